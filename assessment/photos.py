"""Finding photos: checked to be a real image, re-encoded without EXIF (GPS), size-limited."""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIC", "MPO"}


def clean_photo(upload) -> ContentFile:
    """A JPEG copy of the upload with no metadata, at most MAX_SIDE px a side; ValidationError if it is no photo."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("照片不能超过 10 MB"))
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("照片像素过大"))
            probe.verify()
        if fmt not in ALLOWED_FORMATS:
            raise ValidationError(_("只能上传 JPEG、PNG 或 WebP 照片"))
        # verify() leaves the image unusable: open again to decode it.
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            # A fresh save writes no EXIF, so the phone's GPS position and camera details are gone.
            image.save(out, format="JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise ValidationError(_("无法识别的图片文件，请重新拍照上传")) from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
