"""An agency system calling /api/v1 with a bearer token, through the Flask test client."""

from __future__ import annotations

from web.cli.demo import DEMO_PASSWORD, DEMO_USERS


def demo_user(nrm, username: str) -> None:
    if nrm.users.get(username) is None:
        for name, display, groups, agency in DEMO_USERS:
            if name == username:
                nrm.users.add(name, DEMO_PASSWORD, groups, display_name=display, agency=agency)


class ApiClient:
    def __init__(self, app, token: str | None):
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **kwargs):
        return self.client.get(f"/api/v1{path}", headers=self.headers, **kwargs)

    def post(self, path: str, body=None, **kwargs):
        return self.client.post(f"/api/v1{path}", json=body, headers=self.headers, **kwargs)


def api_client(app, nrm, username: str) -> ApiClient:
    demo_user(nrm, username)
    _view, secret = nrm.tokens.issue(username, f"{username}'s case system")
    return ApiClient(app, secret)
