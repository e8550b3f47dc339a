"""The caseworker's inbox and task pages."""

from web.inbox import check_answers  # its routes are the inbox's
from web.inbox.routes import inbox

__all__ = ["check_answers", "inbox"]
