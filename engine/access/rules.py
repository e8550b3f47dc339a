"""Who may do what: the one place that names groups in a rule.

Every permission the engine checks, and every link or button web shows or hides, asks one of these
rules; no other module compares a group name. An administrator (`Actor.is_superuser`) passes all
of them.
"""

from __future__ import annotations

import re

from engine.views import Actor

MANAGER = "manager"
PROCESS_OWNER = "process-owner"
ADMIN = "admin"
FIRST_RESPONDER = "first-responder"
SUPPORT_PROVIDER = "support-provider"
LOCAL_AUTHORITY = "local-authority"

# The competent authorities are not listed here: their codes are the outputs of the
# competent_authority_allocation decision (bpmn/competent_authority.dmn), and each one's caseworkers
# are the group `competent_authority_group(code)`, so an authority added there needs no change here.
COMPETENT_AUTHORITY_PREFIX = "competent-authority-"
_AUTHORITY_CODE = re.compile(r"^[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*$")
_AUTHORITY_GROUP = re.compile(rf"^{COMPETENT_AUTHORITY_PREFIX}[a-z0-9]+(?:[_-][a-z0-9]+)*$")

# Every other group a user may belong to, in the order people choose them.
GROUPS = (
    FIRST_RESPONDER,
    SUPPORT_PROVIDER,
    LOCAL_AUTHORITY,
    "returns",
    "immigration",
    MANAGER,
    PROCESS_OWNER,
    ADMIN,
)
# The groups that own tasks: a lane of a diagram is named after one of them.
WORKING_GROUPS = tuple(g for g in GROUPS if g not in (MANAGER, PROCESS_OWNER, ADMIN))

_CASE_VIEWERS = frozenset({MANAGER, PROCESS_OWNER})
_PERSONAL_DATA_VIEWERS = frozenset({MANAGER})
_MODEL_EDITORS = frozenset({PROCESS_OWNER})


def competent_authority_group(code: object) -> str:
    """The caseworkers' group of a competent authority code (`UKBA` -> `competent-authority-ukba`);
    ValueError for a code that is not letters and digits (with inner `-` or `_`)."""
    if not isinstance(code, str) or not _AUTHORITY_CODE.match(code):
        raise ValueError(f"a competent authority code is letters and digits, such as UKBA; not {code!r}")
    return COMPETENT_AUTHORITY_PREFIX + code.lower()


def is_known_group(group: str) -> bool:
    """A group users may be put in: one of GROUPS, or a competent authority's (any code: users may
    be added before the bundle whose decision names their authority is deployed)."""
    return group in GROUPS or bool(_AUTHORITY_GROUP.match(group))


def is_working_group(group: str) -> bool:
    """A group that owns tasks (a lane is named after it): one of WORKING_GROUPS or a competent
    authority's."""
    return group in WORKING_GROUPS or bool(_AUTHORITY_GROUP.match(group))


def is_admin(groups: frozenset[str]) -> bool:
    """Administrators are the superusers: every rule lets them through."""
    return ADMIN in groups


def is_manager(actor: Actor) -> bool:
    """Managers see every case and may view, assign and release any task."""
    return actor.is_superuser or MANAGER in actor.groups


def may_view_cases(actor: Actor) -> bool:
    """The case list, case pages, statistics and process versions: managers and process owners."""
    return actor.is_superuser or bool(_CASE_VIEWERS & actor.groups)


def may_see_personal_data(actor: Actor) -> bool:
    """Names, accounts and answers on a case page (process owners see its path only)."""
    return actor.is_superuser or bool(_PERSONAL_DATA_VIEWERS & actor.groups)


def may_edit_models(actor: Actor) -> bool:
    """Drafts, the modeller, deploying and moving cases between versions: process owners."""
    return actor.is_superuser or bool(_MODEL_EDITORS & actor.groups)


def is_first_responder(actor: Actor) -> bool:
    return FIRST_RESPONDER in actor.groups


def may_refer(actor: Actor) -> bool:
    """Starting a referral, and listing and reading one's own: first responders of an agency."""
    return actor.is_superuser or (is_first_responder(actor) and bool(actor.agency))


def may_read_referral(actor: Actor, case_agency: str | None) -> bool:
    """A referral's page: the referring agency's first responders."""
    return actor.is_superuser or case_agency == actor.agency


def has_referrals_page(actor: Actor) -> bool:
    """The Referrals link: first responders (with an agency or not) and administrators."""
    return actor.is_superuser or is_first_responder(actor)


def has_task_list(actor: Actor) -> bool:
    """The Tasks link: anyone in a group besides first responders (whose work is their referrals)."""
    return bool(team_groups(actor))


def only_refers(actor: Actor) -> bool:
    """Someone whose only work is referring (their home page is the referral form)."""
    return actor.groups == frozenset({FIRST_RESPONDER})


def may_work_on(actor: Actor, group: str, case_agency: str | None) -> bool:
    """A task of `group` on a case referred by `case_agency`: first responders keep to their own
    agency's referrals (one without an agency, to referrals without one, as in the inbox)."""
    if actor.is_superuser:
        return True
    if group == FIRST_RESPONDER:
        return group in actor.groups and case_agency == actor.agency
    return group in actor.groups


def team_groups(actor: Actor) -> list[str]:
    """The groups whose tasks reach the actor regardless of agency (all but first responders')."""
    return sorted(set(actor.groups) - {FIRST_RESPONDER})


def is_competent_authority(group: str) -> bool:
    """A competent authority's caseworkers: the group of the decision tasks (`competent-authority-…`)."""
    return group.startswith(COMPETENT_AUTHORITY_PREFIX)


ALL_INFORMATION, OWN_AGENCY_INFORMATION = "all", "own agency"


def case_information_access(
    actor: Actor, case_agency: str | None, case_groups: set[str], declared_by_task: bool = False
) -> str | None:
    """Evidence files and notes on a case (adding, listing, downloading): ALL_INFORMATION for
    managers, the caseworkers of the competent authority the case is with (a competent authority
    group among `case_groups`, the groups the case's tasks were given) and the worker of an open
    task whose case file declares the section (`declared_by_task`); OWN_AGENCY_INFORMATION for the
    referring agency's first responders, who see what their agency added; None for anyone else."""
    if is_manager(actor) or declared_by_task:
        return ALL_INFORMATION
    if any(is_competent_authority(g) and may_work_on(actor, g, case_agency) for g in case_groups):
        return ALL_INFORMATION
    if is_first_responder(actor) and actor.agency and case_agency == actor.agency:
        return OWN_AGENCY_INFORMATION
    return None


def may_record_whereabouts(actor: Actor, case_agency: str | None, case_groups: set[str]) -> bool:
    """Recording that the person is missing, has been found or has left the UK: managers and the
    caseworkers of the competent authority the case is with (a competent authority group among
    `case_groups`, the groups the case's tasks were given)."""
    if is_manager(actor):
        return True
    return any(is_competent_authority(g) and may_work_on(actor, g, case_agency) for g in case_groups)
