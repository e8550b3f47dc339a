"""The size limits in the model editor: a draft just over a limit is refused by validate and by
deploy with a finding on its element, and nothing is deployed; one just inside deploys."""

from __future__ import annotations

import pytest

from engine import Actor
from engine.deploy.model_limits import MAX_BRANCHES
from tests.models import hostile_models as hostile
from tests.models.test_limits import LIMITS
from tests.web.test_models import _editor, _json

OWNER = Actor("owner", frozenset({"process-owner"}))


def _draft_of(nrm, browser, bundle) -> tuple:
    owner = browser("owner")
    draft = nrm.drafts.create(OWNER, name="Generated", files=dict(bundle.files))
    return owner, _editor(owner, draft.id)["urls"]


@pytest.mark.parametrize(
    "over, where", [pytest.param(over, where, id=name) for name, (over, where, _) in LIMITS.items()]
)
def test_a_draft_over_a_limit_is_refused_by_validate_and_deploy(browser, nrm, over, where):
    owner, urls = _draft_of(nrm, browser, over())
    file, element_id, words = where
    report = _json(owner, urls["validate"]).get_json()
    assert not report["ok"]
    assert any(
        (f["file"], f["element_id"], f["severity"]) == (file, element_id, "error") and words in f["message"]
        for f in report["findings"]
    ), report["findings"]
    refused = _json(owner, urls["deploy"])
    assert refused.status_code == 422 and report["findings"] == refused.get_json()["findings"]
    assert [d.process_id for d in nrm.deployments()] == ["nrm_pathway"]


def test_a_draft_just_inside_the_limits_deploys(browser, nrm):
    owner, urls = _draft_of(nrm, browser, hostile.parallel_branches(MAX_BRANCHES))
    assert _json(owner, urls["validate"]).get_json()["ok"]
    deployed = _json(owner, urls["deploy"]).get_json()
    assert deployed["ok"] and deployed["deployment"]["process_id"] == "hostile_parallel"
