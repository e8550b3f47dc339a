"""The engine the app runs on, and the signed-in person as the engine sees them."""

from __future__ import annotations

from flask import current_app
from flask_login import UserMixin, current_user

from engine import Actor, Engine, UserView


def engine() -> Engine:
    return current_app.extensions["nrm_engine"]


class SignedInUser(UserMixin):
    """Flask-Login's view of a user: the engine's UserView, identified by username."""

    def __init__(self, view: UserView):
        self.view = view

    def get_id(self) -> str:
        return self.view.username


def actor() -> Actor:
    """The signed-in person as an engine Actor (their groups and agency decide what they may do)."""
    return current_user.view.actor
