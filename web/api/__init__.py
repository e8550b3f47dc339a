"""`/api/v1`: the inbox's operations as JSON for agency systems, with bearer tokens."""

from web.api.routes import api

__all__ = ["api"]
