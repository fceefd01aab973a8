"""Private files: uploads and reports that hold personal data.

They live under ``PRIVATE_MEDIA_ROOT``, outside ``MEDIA_ROOT`` (which the web
server publishes), under random names, and have no URL: a view hands one out
after checking who asks. Member photos are the only public media.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    def __init__(self, **kwargs):
        super().__init__(base_url=None, **kwargs)

    # Read from the settings each time, so a test's own folder is honoured.
    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files have no URL; serve them through a view that checks the user")


def private_storage() -> PrivateStorage:
    """The storage of a FileField that must never be served by URL (a callable, so migrations stay stable)."""
    return PrivateStorage()


def random_name(folder: str, filename: str) -> str:
    """``folder/<32 hex>.<ext>``: nothing about the file or its uploader is guessable from its name."""
    ext = os.path.splitext(filename)[1].lower()[:6]
    return f"{folder}/{uuid.uuid4().hex}{ext}"
