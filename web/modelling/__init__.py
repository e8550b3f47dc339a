"""Process owners' models: deployed versions, drafts and the editor."""

from web.modelling import editor as _editor  # noqa: F401 - registers the editor's routes
from web.modelling.pages import init_upload_limit, modelling

__all__ = ["init_upload_limit", "modelling"]
