"""Every photo the portal keeps (project evidence, inspection findings, board checks, meetings):
checked by its content (never by its name), refused before decoding when it is too large in
bytes or pixels, turned upright, at most ``MAX_SIDE`` px a side, and re-encoded as a JPEG that
carries no EXIF at all (no GPS position, no camera details)."""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600
# Refused from the header, before decoding: far below Pillow's own (warning-only) limit.
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}  # MPO: what many phones' cameras write as .jpg


def photo_clean(upload, *, max_bytes: int = MAX_UPLOAD_BYTES) -> ContentFile:
    """A clean JPEG of ``upload``; ``ValidationError`` (in Chinese) for anything else.

    The returned file has ``image_size`` (width, height) set.
    """
    if upload.size > max_bytes:
        raise ValidationError(_("照片不能超过 %(mb)d MB") % {"mb": max_bytes // (1024 * 1024)}, code="too_big")
    upload.seek(0)
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("照片像素过大"), code="pixels")
            probe.verify()
        if fmt not in ALLOWED_FORMATS:
            raise ValidationError(_("只能上传 JPEG、PNG 或 WebP 照片"), code="format")
        # verify() leaves the image unusable: open again to decode it.
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image).convert("RGB")
        upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        upright.save(out, format="JPEG", quality=82, optimize=True)  # no exif=: nothing of the original survives
    except ValidationError:
        raise
    except Image.DecompressionBombError:  # so many pixels that Pillow itself will not open it
        raise ValidationError(_("照片像素过大"), code="pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("文件不是有效的图片"), code="invalid") from None
    content = ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
    content.image_size = upright.size
    return content


def photo_clean_for(field: str, upload, **kwargs) -> ContentFile:
    """``photo_clean`` whose error names the form field it belongs to."""
    try:
        return photo_clean(upload, **kwargs)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
