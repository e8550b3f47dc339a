"""The `nrm` command: set-up, the demo, serving, timers and the engine's operations."""

from web.cli.commands import main

__all__ = ["main"]
