"""Process owners' models: deployed versions, drafts and the editor."""

from web.models import editor as _editor  # noqa: F401 - registers the editor's routes
from web.models.pages import init_upload_limit, models

__all__ = ["init_upload_limit", "models"]
