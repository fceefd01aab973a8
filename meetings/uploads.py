"""Photos and attachments of a meeting: checked by content, size-limited, photos re-encoded without EXIF/GPS."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from portal.photos import photo_clean_for

from .models import Meeting, MeetingAttachment, MeetingPhoto

# What an attachment's first bytes must be: PDF, Office (zip-based and the old OLE format), plain images.
ATTACHMENT_MAGIC = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".ppt": (b"\xd0\xcf\x11\xe0",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG",),
}


def _size_mb(n: int) -> int:
    return n // (1024 * 1024)


def clean_photo(upload) -> ContentFile:
    return photo_clean_for("photos", upload, max_bytes=settings.MEETINGS_PHOTO_MAX_BYTES)


def meeting_add_photo(*, meeting: Meeting, upload) -> MeetingPhoto:
    content = clean_photo(upload)
    width, height = content.image_size
    return MeetingPhoto.objects.create(meeting=meeting, image=content, width=width, height=height)


def meeting_add_attachment(*, meeting: Meeting, upload) -> MeetingAttachment:
    limit = settings.MEETINGS_ATTACHMENT_MAX_BYTES
    name = (upload.name or "附件").rsplit("/", 1)[-1][:200]
    if upload.size > limit:
        raise ValidationError({"attachments": _("附件不能超过 %(mb)d MB") % {"mb": _size_mb(limit)}})
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    head = upload.read(8)
    upload.seek(0)
    if ext not in ATTACHMENT_MAGIC or not head.startswith(ATTACHMENT_MAGIC[ext]):
        raise ValidationError(
            {
                "attachments": _("附件须为 PDF、Word、Excel、PowerPoint 或图片，且内容与扩展名一致：%(name)s")
                % {"name": name}
            }
        )
    stored = ContentFile(upload.read(), name=f"{uuid.uuid4().hex}{ext}")
    return MeetingAttachment.objects.create(meeting=meeting, file=stored, name=name, size=upload.size)


def photo_set_published(*, photo: MeetingPhoto, published: bool) -> MeetingPhoto:
    photo.is_published = published
    photo.save(update_fields=["is_published"])
    return photo
