"""The caseworker's inbox and task pages."""

from web.inbox.routes import inbox

__all__ = ["inbox"]
