"""Users and their groups; sign-in with hashed passwords and a lock after repeated failures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Row, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from engine import clock
from engine.access.rules import GROUPS, is_admin, is_known_group
from engine.errors import EngineError
from engine.persistence.db import Database
from engine.persistence.models import AuditEvent, User
from engine.views import Actor


def lane_group(lane: str | None) -> str:
    """The group of a lane: its name in lower case, spaces as hyphens."""
    return "-".join((lane or "unassigned").lower().split())


USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_PASSWORD_LENGTH = 12
MAX_FAILED_SIGN_INS = 5
LOCK_MINUTES = 15
_DUMMY_HASH = generate_password_hash("not a password")


class SignInRefused(EngineError):
    """Wrong username or password, or the account is locked; the message says which to tell."""


@dataclass(frozen=True)
class UserView:
    username: str
    display_name: str
    groups: frozenset[str]
    agency: str | None
    active: bool

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.groups, is_superuser=is_admin(self.groups), agency=self.agency)

    def has_role(self, group: str) -> bool:
        return group in self.groups or is_admin(self.groups)


def person_name(session: Session, username: str | None) -> str:
    """The name people read for `username` (a user's display name, kept after they leave), or
    "someone else" for an account that is not a user (a system, a demo actor)."""
    name = session.scalar(select(User.display_name).where(User.username == username)) if username else None
    return name or "someone else"


def user_view(row: User | Row) -> UserView:
    return UserView(row.username, row.display_name, frozenset(row.groups or ()), row.agency, row.active)


class UserDirectory:
    def __init__(self, db: Database):
        self.db = db

    def add(
        self,
        username: str,
        password: str,
        groups: list[str],
        *,
        display_name: str | None = None,
        agency: str | None = None,
    ) -> UserView:
        """Add a user; ValueError says what is wrong with the username, password or groups."""
        if not USERNAME.match(username or ""):
            raise ValueError("username: use 2 to 63 lower-case letters, digits, dots, hyphens or underscores")
        if len(password or "") < MIN_PASSWORD_LENGTH:
            raise ValueError(f"password: use at least {MIN_PASSWORD_LENGTH} characters")
        unknown = sorted(g for g in set(groups) if not is_known_group(g))
        if unknown or not groups:
            raise ValueError(
                f"groups: {', '.join(unknown) or 'none given'}; known groups: {', '.join(GROUPS)} "
                "and competent-authority- with a competent authority's code, e.g. competent-authority-ukba"
            )
        with self.db.writing() as session:
            if session.scalar(select(User.id).where(User.username == username)) is not None:
                raise ValueError(f"username: {username} exists already")
            row = User(
                username=username,
                display_name=display_name or username,
                agency=agency,
                password_hash=generate_password_hash(password),
                groups=sorted(set(groups)),
                active=True,
                failed_sign_ins=0,
                created_at=clock.now(),
            )
            session.add(row)
            session.add(
                AuditEvent(
                    at=row.created_at,
                    actor="system",
                    action="user_added",
                    detail={"username": username, "groups": row.groups},
                )
            )
            return user_view(row)

    def get(self, username: str) -> UserView | None:
        with self.db.reading() as session:
            row = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
            return user_view(row) if row else None

    def names(self, usernames: set[str]) -> dict[str, str]:
        """Username -> the name people read (display names are kept after a user leaves)."""
        if not usernames:
            return {}
        with self.db.reading() as session:
            rows = session.execute(
                select(User.username, User.display_name).where(User.username.in_(sorted(usernames)))
            )
            return {username: name for username, name in rows if name}

    def all(self) -> list[UserView]:
        with self.db.reading() as session:
            return [user_view(r) for r in session.scalars(select(User).order_by(User.username))]

    def members(self, group: str) -> list[UserView]:
        """Active users in `group`, by name (the groups column is JSON, so filtered here)."""
        return [u for u in self.all() if u.active and group in u.groups]

    def authenticate(self, username: str, password: str) -> UserView:
        """The user, if the password is right; SignInRefused otherwise (locked after 5 failures).

        A failure is recorded (and the account locked) in its own committed transaction."""
        now = clock.now()
        refusal = "Enter a correct username and password"
        with self.db.writing() as session:
            row = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
            if row is None or not row.active:
                check_password_hash(_DUMMY_HASH, password or "")  # take as long as a real check
            elif row.locked_until is not None and row.locked_until > now:
                refusal = f"Too many failed attempts: try again after {row.locked_until:%H:%M} UTC"
            elif not check_password_hash(row.password_hash, password or ""):
                row.failed_sign_ins += 1
                if row.failed_sign_ins >= MAX_FAILED_SIGN_INS:
                    row.locked_until, row.failed_sign_ins = now + timedelta(minutes=LOCK_MINUTES), 0
                session.add(AuditEvent(at=now, actor=row.username, action="sign_in_failed", detail={}))
            else:
                row.failed_sign_ins, row.locked_until = 0, None
                session.add(AuditEvent(at=now, actor=row.username, action="signed_in", detail={}))
                return user_view(row)
        raise SignInRefused(refusal)
