"""Small real images for the check-photo tests, made with Pillow."""

from __future__ import annotations

import io

from PIL import Image


def jpeg_bytes(size=(64, 48), *, exif_gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "TestCam"
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "N", (29.0, 52.0, 10.0)
        image.save(out, format="JPEG", exif=exif.tobytes())
    else:
        image.save(out, format="JPEG")
    return out.getvalue()
