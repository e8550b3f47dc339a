"""The WSGI app for gunicorn (`nrm serve`, docs/deployment.md); settings from the NRM_* variables.

Each worker imports this module once, and restores the processes' specs before its first request.
"""

import gc
import logging

from engine import MasterKeyError
from web import create_app

app = create_app()
try:
    app.extensions["nrm_engine"].check_master_key()  # a wrong or missing key stops the worker here
    app.extensions["nrm_engine"].warm()
except MasterKeyError:
    raise
except Exception as error:  # the database may not be up yet: the first request restores them
    logging.getLogger(__name__).warning("could not restore the process specs at start: %s", error)
gc.freeze()  # what start-up made is kept for good: the collector need not scan it again and again
