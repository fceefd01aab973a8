"""Small real images for upload tests, made with Pillow (one with EXIF and GPS)."""

from __future__ import annotations

import io

from PIL import Image


def jpeg_bytes(size=(64, 48), *, exif_gps: bool = False, color=(200, 30, 30)) -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "TestCam"  # Make
        exif[0x0110] = "Model-GPS"  # Model
        gps = exif.get_ifd(0x8825)
        gps[1] = "N"
        gps[2] = (29.0, 52.0, 10.0)
        gps[3] = "E"
        gps[4] = (121.0, 28.0, 5.0)
        image.save(out, format="JPEG", exif=exif.tobytes())
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def png_bytes(size=(32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 255, 128)).save(out, format="PNG")
    return out.getvalue()
