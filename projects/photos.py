"""Evidence photos: checked by content (not by name), resized, re-encoded without EXIF/GPS."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}  # MPO: what many phones' cameras write as .jpg
# Refuse decompression bombs well before Pillow's own (warning-only) limit.
MAX_PIXELS = 40_000_000


def photo_clean(upload) -> ContentFile:
    """A JPEG of at most MAX_SIDE px on its longer side, turned upright, with no metadata at all.

    Raises ValidationError (in Chinese) for a file that is too big, not an
    image, or an image of a kind we do not take.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("照片不能超过 10 MB"), code="too_big")
    upload.seek(0)
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if fmt not in ALLOWED_FORMATS:
            raise ValidationError(_("只能上传 JPEG、PNG 或 WebP 照片"), code="format")
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(_("照片像素过大"), code="pixels")
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGB")
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        # A fresh image saved without exif=/icc_profile= carries no EXIF, GPS or maker notes.
        clean = Image.new("RGB", image.size)
        clean.paste(image)
        clean.save(out, format="JPEG", quality=82, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("文件不是有效的图片"), code="invalid") from None
    return ContentFile(out.getvalue(), name="photo.jpg")
