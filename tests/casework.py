"""A police referral taken to the UKBA competent authority through the real diagrams, for the
tests of who may see what (casework roles, the record of every look)."""

from __future__ import annotations

from engine import Actor
from web.cli.demo_data import form_payload

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
UKBA = Actor("ca-ukba", frozenset({"competent-authority-ukba"}))


def refer_to_ukba(nrm, decide: bool = False) -> str:
    """A police referral at the UKBA reasonable grounds decision (or with it made: letters)."""
    case = nrm.start_case("nrm_pathway", actor=POLICE)
    for actor in (POLICE, POLICE, POLICE, UKBA) if decide else (POLICE, POLICE, POLICE):
        task = nrm.case(case.key).open_tasks[0]
        answers = {"age_group": "adult"} if task.form == "choose-referral-form.json" else {}
        if task.form == "reasonable-grounds-decision.json":
            answers = {"rg_decision": "positive"}
        nrm.complete_task(task.id, form_payload(task.form, **answers), actor)
    return case.key
