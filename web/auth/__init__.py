"""Signing in and out."""

from web.auth.routes import auth, init_login

__all__ = ["auth", "init_login"]
