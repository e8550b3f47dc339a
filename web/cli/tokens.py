"""`nrm tokens`: bearer tokens for agency systems calling /api/v1."""

from __future__ import annotations

import click

from engine import NotFound
from web.cli.support import _engine, _fail


@click.group()
def tokens() -> None:
    """Issue, list and revoke API tokens (each acts as one user)."""


@tokens.command("add")
@click.argument("username")
@click.argument("system_name")
def tokens_add(username: str, system_name: str) -> None:
    """Issue a token acting as USERNAME for SYSTEM_NAME; it is shown once."""
    try:
        view, secret = _engine().issue_token(username, system_name)
    except (ValueError, NotFound) as error:
        _fail(error)
    click.echo(f"Token {view.id} for {view.username} ({view.name}). Keep it secret; it is not shown again:")
    click.echo(secret)


@tokens.command("list")
def tokens_list() -> None:
    """Every token: its user, system, when it was last used, whether it is revoked."""
    for view in _engine().list_tokens():
        used = f"{view.last_used_at:%Y-%m-%d %H:%M}" if view.last_used_at else "never used"
        state = f"revoked {view.revoked_at:%Y-%m-%d}" if view.revoked_at else "active"
        click.echo(f"{view.id:>4} {view.prefix}…  {view.username:<20} {view.name:<30} {used:<16} {state}")


@tokens.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id: int) -> None:
    """Revoke token TOKEN_ID: requests with it are refused from now on."""
    try:
        view = _engine().revoke_token(token_id)
    except NotFound as error:
        _fail(error)
    click.echo(f"Token {view.id} ({view.name}) revoked.")
