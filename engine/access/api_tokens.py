"""Bearer tokens for agency systems: issued to a user, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update

from engine import clock
from engine.access.users import UserView, user_view
from engine.errors import EngineError, NotFound
from engine.persistence.db import Database
from engine.persistence.models import ApiToken, AuditEvent, User

TOKEN_PREFIX = "nrm_"
# Every API request runs this: plain columns, built once (no ORM objects to load).
_TOKEN_USER = (
    select(
        ApiToken.id,
        ApiToken.revoked_at,
        ApiToken.last_used_at,
        User.username,
        User.display_name,
        User.groups,
        User.agency,
        User.active,
    )
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


class TokenRefused(EngineError):
    """A missing, unknown or revoked token, or one whose user is no longer active."""


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    username: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokens:
    def __init__(self, db: Database):
        self.db = db

    def issue(self, username: str, name: str) -> tuple[TokenView, str]:
        """A new token for `username`: its view and the secret, which is never shown again."""
        name = (name or "").strip()
        if not name or len(name) > 100:
            raise ValueError("name: say which system uses the token, in 1 to 100 characters")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.db.writing() as session:
            user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
            if user is None:
                raise NotFound(f"no active user {username}; add one with `nrm users add`")
            row = ApiToken(
                user_id=user.id,
                name=name,
                token_hash=_digest(secret),
                prefix=secret[: len(TOKEN_PREFIX) + 6],
                created_at=clock.now(),
            )
            session.add(row)
            session.add(
                AuditEvent(
                    at=row.created_at, actor="system", action="token_issued", detail={"user": username}
                )
            )
            session.flush()
            return _view(row, username), secret

    def authenticate(self, secret: str) -> UserView:
        """The user a token acts for; TokenRefused if it is unknown, revoked or its user inactive."""
        if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            raise TokenRefused("send `Authorization: Bearer nrm_…` with a token from `nrm tokens add`")
        with self.db.reading() as session:  # most requests only read: no write lock on SQLite
            found = session.connection().execute(_TOKEN_USER, {"token_hash": _digest(secret)}).first()
        if found is None or found.revoked_at is not None or not found.active:
            raise TokenRefused("the token is unknown or revoked; ask an admin for a new one")
        view = user_view(found)
        token_id, last_used = found.id, found.last_used_at
        now = clock.now()
        if last_used is None or (now - last_used).total_seconds() > 60:
            with self.db.writing() as session:  # at most once a minute per token
                session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        return view

    def revoke(self, token_id: int) -> TokenView:
        with self.db.writing() as session:
            found = session.execute(
                select(ApiToken, User.username)
                .join(User, User.id == ApiToken.user_id)
                .where(ApiToken.id == token_id)
            ).first()
            if found is None:
                raise NotFound(f"no token {token_id}; list them with `nrm tokens list`")
            token, username = found
            if token.revoked_at is None:
                token.revoked_at = clock.now()
                session.add(
                    AuditEvent(
                        at=token.revoked_at, actor="system", action="token_revoked", detail={"user": username}
                    )
                )
            return _view(token, username)

    def all(self) -> list[TokenView]:
        with self.db.reading() as session:
            rows = session.execute(
                select(ApiToken, User.username).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id)
            )
            return [_view(token, username) for token, username in rows]


def _view(row: ApiToken, username: str) -> TokenView:
    return TokenView(row.id, row.name, username, row.prefix, row.created_at, row.last_used_at, row.revoked_at)
