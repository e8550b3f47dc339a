"""The WSGI app for gunicorn (`nrm serve`, docs/deployment.md); settings from the NRM_* variables."""

from web import create_app

app = create_app()
