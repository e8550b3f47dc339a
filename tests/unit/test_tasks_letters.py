"""Decision letters and notices: kinds, recipients, wording, and no personal data in titles."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

import tasks  # noqa: F401  (registers the operators)
from engine.spec.bundle import read_bundle
from engine.spec.definition_files import DefinitionFiles
from engine.spec.services import ServiceContext, call_service
from tasks.letters import fill, produce_decision_letters
from tests.conftest import BUNDLE

NAMED = {
    "given_names": "Ana Maria",
    "family_name": "Popescu",
    "competent_authority": "UKHTC",
    "allocation": {
        "queue": "competent-authority-ukhtc",
        "competent_authority_name": "UK Human Trafficking Centre",
    },
}
REASONS = "The account of recruitment is inconsistent with the travel records held."


FILES = DefinitionFiles(read_bundle(BUNDLE).files)  # the templates in bpmn/letters


def make_context(data: dict | None = None, now: datetime | None = None) -> ServiceContext:
    return ServiceContext(
        now=now or datetime(2026, 4, 2, 13, 0, tzinfo=UTC),
        case_key="NRM-2026-000001",
        data=NAMED if data is None else data,
        definition=FILES,
    )


def produce(decision: str, outcome: str, reasons: str = "", data: dict | None = None) -> ServiceContext:
    ctx = make_context(data)
    result = call_service(
        "produce_decision_letters", ctx, {"decision": decision, "outcome": outcome, "reasons": reasons}
    )
    assert result == {"letters": [document.id for document in ctx.documents]}
    assert json.loads(json.dumps(result)) == result
    return ctx


THREE = ["person", "first-responder", "support-provider"]
TWO = ["person", "first-responder"]


@pytest.mark.parametrize(
    ("decision", "outcome", "reasons", "kinds", "recipients"),
    [
        (
            "reasonable_grounds",
            "positive",
            "",
            [
                "rg_positive_letter",
                "rg_positive_first_responder_notice",
                "rg_positive_support_provider_notice",
            ],
            THREE,
        ),
        (
            "reasonable_grounds",
            "negative",
            REASONS,
            [
                "rg_negative_letter",
                "rg_negative_first_responder_notice",
                "rg_negative_support_provider_notice",
            ],
            THREE,
        ),
        (
            "conclusive_grounds",
            "positive",
            "",
            [
                "cg_positive_letter",
                "cg_positive_first_responder_notice",
                "cg_positive_support_provider_notice",
            ],
            THREE,
        ),
        (
            "conclusive_grounds",
            "negative",
            REASONS,
            [
                "cg_negative_letter",
                "cg_negative_first_responder_notice",
                "cg_negative_support_provider_notice",
            ],
            THREE,
        ),
        (
            "discretionary_leave",
            "granted",
            "",
            ["dl_granted_letter", "dl_granted_first_responder_notice"],
            TWO,
        ),
        (
            "discretionary_leave",
            "refused",
            REASONS,
            ["dl_refused_letter", "dl_refused_first_responder_notice"],
            TWO,
        ),
        (
            "assisted_voluntary_return",
            "arranged",
            "",
            ["avr_arranged_letter", "avr_arranged_first_responder_notice"],
            TWO,
        ),
    ],
)
def test_documents_per_decision(decision, outcome, reasons, kinds, recipients):
    ctx = produce(decision, outcome, reasons)
    assert [document.kind for document in ctx.documents] == kinds
    assert [document.recipient for document in ctx.documents] == recipients
    for document in ctx.documents:
        assert "Ana" not in document.title and "Popescu" not in document.title
        assert "NRM-2026-000001" in document.body
        assert "2 April 2026" in document.body
        assert "{" not in document.body and "None" not in document.body
    letter = ctx.documents[0]
    assert "Dear Ana Maria Popescu," in letter.body
    if reasons:
        assert all(REASONS in document.body for document in ctx.documents)
        assert all("reconsider" in document.body for document in ctx.documents)


def test_positive_reasonable_grounds_letter_explains_the_test_and_the_reflection_period():
    letter, first_responder, support_provider = produce("reasonable_grounds", "positive").documents
    assert '"suspects but cannot prove"' in letter.body
    assert "there are reasonable grounds to believe that you are a victim" in letter.body
    assert "at least 45 calendar days" in letter.body
    assert "UK Human Trafficking Centre" in letter.body
    assert "45 calendar days" in first_responder.body
    assert "support and safe accommodation" in support_provider.body


def test_negative_reasonable_grounds_letter_gives_the_reasons_and_reconsideration():
    letter = produce("reasonable_grounds", "negative", REASONS).documents[0]
    assert "there are not reasonable grounds to believe" in letter.body
    assert "Reasons for the decision" in letter.body
    assert "ask the competent authority to reconsider" in letter.body
    assert "45 calendar days" not in letter.body


def test_conclusive_grounds_letters_use_the_balance_of_probabilities():
    for outcome, reasons in (("positive", ""), ("negative", REASONS)):
        letter = produce("conclusive_grounds", outcome, reasons).documents[0]
        assert "balance of probabilities" in letter.body
        assert "suspects but cannot prove" not in letter.body


def test_positive_conclusive_grounds_letter_explains_what_follows():
    letter = produce("conclusive_grounds", "positive").documents[0]
    assert "discretionary leave" in letter.body
    assert "Choices service of Refugee Action" in letter.body
    assert "embassy" in letter.body


def test_positive_letters_do_not_quote_reasons():
    ctx = produce("reasonable_grounds", "positive", "internal minute text")
    assert all("internal minute text" not in document.body for document in ctx.documents)


def test_without_names_the_letter_is_addressed_neutrally():
    ctx = produce("reasonable_grounds", "positive", data={})
    letter, notice, _ = ctx.documents
    assert "Dear Sir or Madam," in letter.body
    assert "Person referred" not in notice.body
    assert "the competent authority." in letter.body


def test_names_only_from_the_expected_fields_and_only_in_bodies():
    data = {
        "given_names": "  Li ",
        "family_name": "",
        "aliases": ["Lucky"],
        "competent_authority": "UKBA",
        "allocation": {"competent_authority_name": "UK Border Agency"},
    }
    ctx = produce("conclusive_grounds", "negative", REASONS, data=data)
    letter, notice, _ = ctx.documents
    assert "Dear Li," in letter.body
    assert "Person referred: Li\n" in notice.body
    assert all("Lucky" not in document.body for document in ctx.documents)
    assert "UK Border Agency" in letter.body


def test_the_date_is_the_london_date():
    # 23:30 UTC on 31 March 2026 is 00:30 on 1 April in London (BST).
    ctx = make_context(now=datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    produce_decision_letters(ctx, "reasonable_grounds", "positive")
    assert "Date: 1 April 2026" in ctx.documents[0].body


def test_unknown_decision_is_refused_naming_the_allowed_values():
    with pytest.raises(ValueError, match="reasonable_grounds, conclusive_grounds, discretionary_leave"):
        produce_decision_letters(make_context(), "national_insurance", "positive")


@pytest.mark.parametrize(
    ("decision", "outcome", "allowed"),
    [
        ("reasonable_grounds", "granted", r"allowed .*: negative, positive"),
        ("discretionary_leave", "positive", r"allowed .*: granted, refused"),
        ("assisted_voluntary_return", "refused", r"allowed .*: arranged"),
    ],
)
def test_unknown_outcome_is_refused_naming_the_allowed_values(decision, outcome, allowed):
    ctx = make_context()
    with pytest.raises(ValueError, match=allowed):
        produce_decision_letters(ctx, decision, outcome)
    assert ctx.documents == []


@pytest.mark.parametrize(
    ("decision", "outcome"),
    [
        ("reasonable_grounds", "negative"),
        ("conclusive_grounds", "negative"),
        ("discretionary_leave", "refused"),
    ],
)
def test_negative_decisions_need_reasons(decision, outcome):
    ctx = make_context()
    with pytest.raises(ValueError, match="needs reasons"):
        produce_decision_letters(ctx, decision, outcome, reasons="   ")
    assert ctx.documents == []


def test_the_figures_come_from_the_diagrams_parameters():
    assert FILES.service_parameters("start_reflection_period") == {"days": 45, "review_day": 30}
    letter = produce("reasonable_grounds", "positive").documents[0]
    assert "at least 45 calendar days" in letter.body and "At about day 30" in letter.body


@pytest.mark.parametrize(
    ("template", "refused"),
    [
        ("{case_key.__class__}", "unknown placeholder {case_key.__class__}"),
        ("{case_key[0]}", "unknown placeholder {case_key[0]}"),
        ("{case_key!r}", "unknown placeholder {case_key}"),
        ("{case_key:>99}", "unknown placeholder {case_key}"),
        ("{}", "unknown placeholder {}"),
        ("{unknown}", "unknown placeholder {unknown}"),
        ("a { b", "write a literal brace"),
    ],
)
def test_a_template_may_only_name_the_known_fields(template, refused):
    with pytest.raises(ValueError, match=re.escape(refused)):
        fill(template, {"case_key": "NRM-2026-000001"}, "letters/x.txt")
    assert fill("{case_key} {{braces}}", {"case_key": "K"}, "letters/x.txt") == "K {braces}"
