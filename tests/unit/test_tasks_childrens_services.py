"""Child referrals notify the local authority's children's services first."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

import tasks  # noqa: F401  (registers the operators)
from engine.spec.services import ServiceContext, call_service

CHILD = {"given_names": "Tomas", "family_name": "Berisha", "date_of_birth": "2011-05-09"}


def make_context(data: dict | None = None) -> ServiceContext:
    return ServiceContext(
        now=datetime(2026, 7, 1, 8, 15, tzinfo=UTC),
        case_key="NRM-2026-000002",
        data=CHILD if data is None else data,
    )


def test_notification_is_stored_and_described():
    ctx = make_context()
    result = call_service("notify_childrens_services", ctx, {"local_authority": " Leeds City Council "})
    [document] = ctx.documents
    assert result == {
        "notified_at": "2026-07-01T08:15:00+00:00",
        "local_authority": "Leeds City Council",
        "document_id": document.id,
    }
    assert json.loads(json.dumps(result)) == result
    assert document.kind == "childrens_services_notification"
    assert document.recipient == "local-authority"
    assert "Children's services, Leeds City Council" in document.body
    assert "NRM-2026-000002" in document.body
    assert "1 July 2026 at 09:15" in document.body  # London time (BST)
    assert "Safeguarding comes first" in document.body
    assert "do not need to consent" in document.body


def test_child_details_are_in_the_body_only():
    ctx = make_context()
    call_service("notify_childrens_services", ctx, {"local_authority": "Leeds City Council"})
    [document] = ctx.documents
    assert "Child: Tomas Berisha" in document.body
    assert "Date of birth: 2011-05-09" in document.body
    assert "Tomas" not in document.title and "Berisha" not in document.title


def test_without_names_the_notification_says_so():
    ctx = make_context(data={})
    call_service("notify_childrens_services", ctx, {"local_authority": "Glasgow City Council"})
    assert "Child: name not yet recorded" in ctx.documents[0].body
    assert "Date of birth" not in ctx.documents[0].body


@pytest.mark.parametrize("local_authority", ["", "   ", None])
def test_a_local_authority_is_required(local_authority):
    ctx = make_context()
    with pytest.raises(ValueError, match="local_authority"):
        call_service("notify_childrens_services", ctx, {"local_authority": local_authority})
    assert ctx.documents == []
