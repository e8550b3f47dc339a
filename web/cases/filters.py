"""The case list's query string as a CaseFilter, with a message for each bad value."""

from __future__ import annotations

from datetime import date

from werkzeug.datastructures import MultiDict

from engine import CASE_SORTS, CaseFilter

STATUSES = ("active", "suspended", "cancelled", "completed")
FACT_FILTERS = (  # query parameter -> reported fact
    ("authority", "competent_authority"),
    ("age", "age_group"),
    ("exploitation", "exploitation_types"),
)

FACT_TITLES = {  # what the list and its CSV call each reported fact
    "competent_authority": "Competent authority",
    "age_group": "Adult or child",
    "exploitation_types": "Type of exploitation",
}


def _date(args: MultiDict, name: str, errors: dict[str, str]) -> date | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = "Enter a real date, like 2026-03-31"
        return None


def case_filter(args: MultiDict) -> tuple[CaseFilter, dict[str, str]]:
    """The filter the query string asks for, and errors by parameter (bad values are ignored)."""
    errors: dict[str, str] = {}
    status = args.get("status") or None
    if status is not None and status not in STATUSES:
        errors["status"] = f"Choose a status: {', '.join(STATUSES)}"
        status = None
    sort = args.get("sort") or "newest"
    if sort not in CASE_SORTS:
        errors["sort"] = f"Choose a sort order: {', '.join(CASE_SORTS)}"
        sort = "newest"
    facts = tuple(
        (fact, value[:200]) for parameter, fact in FACT_FILTERS if (value := args.get(parameter, "").strip())
    )
    referred_from, referred_to = _date(args, "from", errors), _date(args, "to", errors)
    if referred_from and referred_to and referred_from > referred_to:
        errors["to"] = "The end date must be on or after the start date"
    wanted = CaseFilter(
        status=status,
        step=(args.get("step") or "").strip()[:200] or None,
        facts=facts,
        agency=(args.get("agency") or "").strip()[:100] or None,
        referred_from=referred_from,
        referred_to=referred_to,
        overdue=args.get("overdue") == "yes",
        search=(args.get("q") or "").strip()[:30] or None,
        sort=sort,
    )
    return wanted, errors
