"""The people side of the engine's API: users, sign-in and API tokens.

Mixed into `Engine` (engine/api.py), which makes the user directory and the token store; callers
use these methods, never the two services themselves.
"""

from __future__ import annotations

from engine.access.api_tokens import ApiTokens, TokenView
from engine.access.users import UserDirectory, UserView


class PeopleFacade:
    """Users and API tokens."""

    users: UserDirectory
    tokens: ApiTokens

    # -- users -----------------------------------------------------------------------------
    def add_user(
        self,
        username: str,
        password: str,
        groups: list[str],
        *,
        display_name: str | None = None,
        agency: str | None = None,
    ) -> UserView:
        """Add a user; ValueError says what is wrong with the username, password or groups."""
        return self.users.add(username, password, groups, display_name=display_name, agency=agency)

    def user(self, username: str) -> UserView | None:
        """An active user, or None."""
        return self.users.get(username)

    def person_names(self, usernames: set[str]) -> dict[str, str]:
        """Username -> display name, for the usernames that are (or were) users."""
        return self.users.names(usernames)

    def list_users(self) -> list[UserView]:
        """Everyone, by username (inactive users too)."""
        return self.users.all()

    def group_members(self, group: str) -> list[UserView]:
        """Active users in `group`, by username."""
        return self.users.members(group)

    def authenticate(self, username: str, password: str) -> UserView:
        """The user, if the password is right; SignInRefused otherwise (locked after 5 failures)."""
        return self.users.authenticate(username, password)

    # -- API tokens ------------------------------------------------------------------------
    def issue_token(self, username: str, system_name: str) -> tuple[TokenView, str]:
        """A new token for `username`: its view and the secret, which is never shown again."""
        return self.tokens.issue(username, system_name)

    def list_tokens(self) -> list[TokenView]:
        return self.tokens.all()

    def revoke_token(self, token_id: int) -> TokenView:
        return self.tokens.revoke(token_id)

    def authenticate_token(self, secret: str) -> UserView:
        """The user a token acts for; TokenRefused if it is unknown, revoked or its user inactive."""
        return self.tokens.authenticate(secret)
