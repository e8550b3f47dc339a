"""`python -m web.cli`: the `nrm` command by this Python (the server starts its schedulers so)."""

from web.cli.commands import main

main()
