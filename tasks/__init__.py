"""Service-task implementations, registered by name; importing `tasks` registers every operator."""

from tasks import (
    childrens_services,
    competent_authority,
    letters,
    overdue,
    reflection,
    working_days,
)

__all__ = ["childrens_services", "competent_authority", "letters", "overdue", "reflection", "working_days"]
