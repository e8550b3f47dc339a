"""Managers find cases by the person's name through the keyed blind index: by given name, family
name or another name, in any case and with or without accents, every word having to match; the
index holds no name in clear, survives a rotation of the master key, and forgets an erased case;
every other role is refused with one audit row."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import func, select

from engine import Actor, Engine, EngineConfig, write_key_file
from engine.crypto.name_index import forget_names, name_words
from engine.persistence.models import AuditEvent, Case, CaseNameToken, IndexKey
from tests.conftest import TEST_MASTER_KEY
from tests.web.api_client import demo_user
from web.cli.demo_data import form_payload

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
MANAGER = Actor("manager", frozenset({"manager"}))
JOSE = {"given_names": "José María", "family_name": "O'Connor-Ávila", "aliases": ["Zofia Żak"]}
OTHER = {"given_names": "Jose", "family_name": "Brennan", "aliases": []}


def _refer(nrm, names: dict) -> str:
    """A police referral of an adult, its referral form naming the person `names`."""
    demo_user(nrm, "fr-police")
    case = nrm.start_case("nrm_pathway", actor=POLICE)
    for _ in range(3):
        task = nrm.case(case.key).open_tasks[0]
        overrides = {"age_group": "adult"} if task.form == "choose-referral-form.json" else {}
        if task.form == "adult-referral-form.json":
            overrides = {**names, "aliases": names["aliases"] or None}
        nrm.complete_task(task.id, form_payload(task.form, **overrides), POLICE)
    return case.key


@pytest.fixture
def referred(nrm) -> tuple[str, str]:
    return _refer(nrm, JOSE), _refer(nrm, OTHER)


def _found(nrm, name: str) -> list[str]:
    return [row.key for row in nrm.find_cases_by_name(name, MANAGER)]


def test_names_are_words_without_case_accents_or_punctuation():
    assert name_words("  José  O'Connor-Ávila ") == ["jose", "oconnor", "avila"]
    assert name_words("ZOFIA Żak, Straße") == ["zofia", "zak", "strasse"]


def test_a_manager_finds_cases_by_any_of_the_persons_names(nrm, referred):
    jose, other = referred
    assert _found(nrm, "María") == [jose]
    assert _found(nrm, "avila") == [jose]  # the family name
    assert _found(nrm, "O'CONNOR") == [jose]
    assert _found(nrm, "zofia zak") == [jose]  # another name
    assert set(_found(nrm, "José")) == {jose, other}  # "José" finds "Jose"
    assert _found(nrm, "jose brennan") == [other]  # every word must match
    assert _found(nrm, "jose nobody") == []
    assert _found(nrm, "Nobody") == []
    assert _found(nrm, " ,. ") == []


def test_the_index_holds_no_name_in_clear(nrm, referred):
    words = {w for names in (JOSE, OTHER) for v in names.values() for w in name_words(str(v))}
    words |= {"José", "María", "Ávila", "Żak", "Brennan"}
    with nrm.db.reading() as session:
        tokens = [bytes(t) for t in session.scalars(select(CaseNameToken.token_hash))]
        keys = [(bytes(k.wrapped_key), k.key_id) for k in session.scalars(select(IndexKey))]
    assert len(tokens) == 6 + 2 and all(len(token) == 32 for token in tokens)
    for word in words:
        for encoded in (word.encode(), word.lower().encode(), word.encode().hex().encode()):
            assert not any(encoded in token for token in tokens), word
            assert not any(encoded in wrapped for wrapped, _ in keys), word


def test_the_index_survives_a_rotation_of_the_master_key(nrm, referred, database_url, tmp_path):
    jose, _other = referred
    new = write_key_file(tmp_path / "new.key")
    nrm.rotate_master_key(tmp_path / "new.key")
    with nrm.db.reading() as session:
        assert session.scalar(select(IndexKey.key_id)) == new.key_id
    rotated = Engine(
        EngineConfig(database_url=database_url, master_key=None, master_key_file=tmp_path / "new.key")
    )
    try:
        rotated.check_master_key()
        assert [row.key for row in rotated.find_cases_by_name("zofia", MANAGER)] == [jose]
    finally:
        rotated.db.dispose()
        Engine(EngineConfig(database_url=database_url, master_key=TEST_MASTER_KEY)).db.dispose()


def test_an_erased_case_cannot_be_found_by_name(nrm, referred):
    jose, _other = referred
    with nrm.db.writing() as session:
        forget_names(session, session.scalar(select(Case.id).where(Case.business_key == jose)))
    assert _found(nrm, "zofia") == []


def test_the_search_page_sends_the_name_in_the_body_and_never_repeats_it(browser, referred):
    jose, _other = referred
    manager = browser("manager")
    assert "/cases/find-by-name" in manager.get("/cases").get_data(as_text=True)
    assert manager.get("/cases/find-by-name").status_code == 200
    response = manager.post("/cases/find-by-name", {"name": "ZOFIA"})
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "1 case found" in page and f"/cases/{jose}" in page
    assert "ZOFIA" not in page and "Zofia" not in page
    empty = manager.post("/cases/find-by-name", {"name": "  "})
    assert empty.status_code == 400 and "Enter a name" in empty.get_data(as_text=True)
    assert "No case has a person" in manager.post("/cases/find-by-name", {"name": "nobody"}).get_data(
        as_text=True
    )


def _refusals(nrm) -> int:
    with nrm.db.reading() as session:
        return session.scalar(select(func.count()).where(AuditEvent.action == "refused")) or 0


@pytest.mark.parametrize("role", ["fr-police", "ca-ukba", "support"])
def test_other_roles_are_refused_with_one_audit_row_each(browser, nrm, referred, role):
    person = browser(role)
    assert "/cases/find-by-name" not in person.get("/cases").get_data(as_text=True)
    for response in (
        lambda: person.get("/cases/find-by-name"),
        lambda: person.post("/cases/find-by-name", {"name": "zofia"}),
    ):
        before = _refusals(nrm)
        page = response()
        assert page.status_code == 403 and "You cannot do this" in page.get_data(as_text=True)
        assert "NRM-" not in page.get_data(as_text=True)
        assert _refusals(nrm) == before + 1
