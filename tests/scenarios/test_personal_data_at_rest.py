"""Personal data is encrypted at rest (engine/crypto): a case with a distinctive name goes
through the pathway, with evidence, a note, a draft and a reason that name the person; then
every table and column of the database, opened where compressed, and the SQLite file itself hold
the name nowhere, while the competent authority's case file still shows it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from engine import Actor
from tests.canary import tables_holding
from tests.scenarios.driver import CaseDriver
from tests.web.evidence_files import PDF

GIVEN, FAMILY = "Zebulonqx", "Canarywick"
MANAGER = Actor("mary", frozenset({"manager", "competent-authority-ukba"}))
UKBA = Actor("declan", frozenset({"competent-authority-ukba"}))


def _everywhere(database_url: str) -> list[str]:
    return tables_holding(database_url, (GIVEN, FAMILY))


def _drive(case: CaseDriver, moving_clock) -> None:
    case.refer("adult", given_names=GIVEN, family_name=FAMILY, aliases=[f"{GIVEN} C"])
    key = case.key
    engine = case.engine()
    try:
        engine.add_evidence(
            key,
            f"{GIVEN}-statement.pdf",
            PDF + f"% {GIVEN} {FAMILY}\n".encode(),
            f"Signed statement of {GIVEN} {FAMILY}",
            MANAGER,
        )
        engine.add_note(key, f"Spoke to {GIVEN} {FAMILY} by phone.", MANAGER)
        rg = next(t for t in engine.case(key).open_tasks if t.element_id == "decide_reasonable_grounds")
        engine.save_task_draft(rg.id, {"rg_reasons": f"{GIVEN} {FAMILY} gave a consistent account"}, UKBA)
        shown = str(engine.case_file(rg.id, UKBA))
        assert GIVEN in shown and FAMILY in shown  # the competent authority still reads the name
    finally:
        engine.db.dispose()
    case.complete(
        "decide_reasonable_grounds",
        rg_decision="positive",
        rg_reasons=f"{GIVEN} {FAMILY}: I suspect but cannot prove.",
    )
    case._with_engine(lambda e: e.record_missing(key, f"{GIVEN} left the safe house.", MANAGER))
    case.move(timedelta(days=2))
    case._with_engine(lambda e: e.record_found(key, f"{GIVEN} is back.", MANAGER))
    case.through_reflection({"recovery_progress": f"{GIVEN} is settling in."})
    case.complete(
        "decide_conclusive_grounds", cg_decision="positive", cg_reasons=f"{FAMILY}'s account holds."
    )
    case.complete("record_persons_plans", wishes_to_return_home=False, cooperating_with_police=True)
    case.complete("consider_discretionary_leave", dl_decision="granted", dl_reasons=f"{GIVEN} co-operates.")
    case.through_move_on(move_on_notes=f"{GIVEN} moves to her cousin's flat.")
    assert case.case().status == "completed"
    assert any(GIVEN in d.body for d in case.documents())  # the letters name the person


def test_the_name_is_nowhere_at_rest(drive, database_url, moving_clock):
    case = drive("NG")
    _drive(case, moving_clock)
    assert _everywhere(database_url) == []
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        for file in [path, *path.parent.glob(path.name + "-*")]:  # the database, its WAL and journal
            raw = file.read_bytes().lower()
            assert GIVEN.lower().encode() not in raw and FAMILY.lower().encode() not in raw, file.name


def test_the_scan_finds_a_name_stored_in_clear(drive, database_url):
    """The scan itself can fail: a name written in clear is found (so the test above means it)."""
    case = drive("NG")
    case.refer("adult")
    case._with_engine(
        lambda e: e.add_user(
            "canary", "a long enough password", ["returns"], display_name=f"{GIVEN} {FAMILY}"
        )
    )
    assert _everywhere(database_url) == ["users.display_name"]
