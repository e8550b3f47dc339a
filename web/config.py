"""Web settings, from the environment (NRM_*)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from engine import PROJECT_ROOT

NODE_MODULES = PROJECT_ROOT / "node_modules"


def secret_key(instance: Path) -> str:
    """NRM_SECRET_KEY, or one made once and kept in instance/secret_key (never in the repository)."""
    if os.environ.get("NRM_SECRET_KEY"):
        return os.environ["NRM_SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def web_settings() -> dict:
    instance = Path(os.environ.get("NRM_INSTANCE", PROJECT_ROOT / "instance"))
    return {
        "SECRET_KEY": secret_key(instance),
        "SESSION_COOKIE_SECURE": os.environ.get("NRM_INSECURE_COOKIES") != "1",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": 8 * 60 * 60,
        "WTF_CSRF_TIME_LIMIT": 8 * 60 * 60,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Reverse proxies in front of the app: their X-Forwarded-For/-Proto are trusted (sign-in limits
        # count the client's address, and secure cookies need the original scheme).
        "TRUSTED_PROXIES": int(os.environ.get("NRM_TRUSTED_PROXIES", "0")),
    }
