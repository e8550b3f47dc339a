"""Overdue decisions are flagged and escalated to the competent authority's managers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import tasks  # noqa: F401  (registers the operators)
from engine.spec.services import ServiceContext, call_service


def make_context(data: dict | None = None) -> ServiceContext:
    return ServiceContext(
        now=datetime(2026, 4, 14, 7, 0, tzinfo=UTC),
        case_key="NRM-2026-000003",
        data={
            "competent_authority": "UKBA",
            "allocation": {"competent_authority_name": "UK Border Agency"},
            "given_names": "Ana",
        }
        if data is None
        else data,
    )


def test_an_overdue_reasonable_grounds_decision_is_flagged_and_escalated():
    ctx = make_context()
    result = call_service(
        "flag_overdue_decision",
        ctx,
        {"decision": "reasonable_grounds", "due_at": "2026-04-13T22:59:59+00:00"},
    )
    assert result == {"flagged_at": "2026-04-14T07:00:00+00:00"}
    [flag] = ctx.flags
    assert flag.kind == "overdue_reasonable_grounds"
    assert "reasonable grounds decision" in flag.message
    assert "13 April 2026 at 23:59" in flag.message  # London time
    assert "escalated to the UK Border Agency managers" in flag.message
    assert "Ana" not in flag.message
    assert len(flag.message) <= 500
    [document] = ctx.documents
    assert document.kind == "overdue_reasonable_grounds_escalation"
    assert document.recipient == "competent-authority-managers"
    assert "To: UK Border Agency managers" in document.body
    assert "NRM-2026-000003" in document.body
    assert "not blocked" in document.body


def test_conclusive_grounds_flag_kind_and_neutral_authority_before_allocation():
    ctx = make_context(data={})
    call_service(
        "flag_overdue_decision", ctx, {"decision": "conclusive_grounds", "due_at": "2026-04-13T12:00:00Z"}
    )
    assert ctx.flags[0].kind == "overdue_conclusive_grounds"
    assert "conclusive grounds decision" in ctx.flags[0].message
    assert "escalated to the competent authority managers" in ctx.flags[0].message


def test_unknown_decision_is_refused():
    ctx = make_context()
    with pytest.raises(ValueError, match="allowed: reasonable_grounds, conclusive_grounds"):
        call_service("flag_overdue_decision", ctx, {"decision": "rg", "due_at": "2026-04-13T22:59:59+00:00"})
    assert ctx.flags == [] and ctx.documents == []


def test_unreadable_due_date_is_refused():
    ctx = make_context()
    with pytest.raises(ValueError, match="due_at"):
        call_service("flag_overdue_decision", ctx, {"decision": "reasonable_grounds", "due_at": "soon"})
    assert ctx.flags == []
