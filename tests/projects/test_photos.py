"""Evidence photos: content-checked, resized, EXIF/GPS gone, size-limited."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portal.photos import MAX_SIDE
from projects import services

from .images import jpeg_bytes, png_bytes

pytestmark = pytest.mark.django_db


def test_a_phone_photo_is_resized_and_loses_its_exif_and_gps(make_project, secretary_a):
    project = make_project()
    raw = jpeg_bytes((4000, 3000), exif_gps=True)
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)  # the upload carries GPS

    r = secretary_a.post(
        reverse("projects:photo-add", args=[project.pk]),
        {"image": SimpleUploadedFile("IMG_0001.jpg", raw, content_type="image/jpeg"), "caption": "清淤前"},
    )
    assert r.status_code == 302
    photo = project.photos.get()
    with photo.image.open("rb") as f:
        stored = Image.open(io.BytesIO(f.read()))
        assert stored.format == "JPEG"
        assert max(stored.size) == MAX_SIDE and (photo.width, photo.height) == stored.size
        assert not stored.getexif() and "exif" not in stored.info
    assert "IMG_0001" not in photo.image.name  # a random name


def test_a_png_is_taken_and_stored_as_jpeg(make_project):
    photo = services.photo_add(project=make_project(), upload=SimpleUploadedFile("a.png", png_bytes()))
    assert photo.image.name.endswith(".jpg") and photo.width == 32


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(make_project, secretary_a):
    project = make_project()
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    r = secretary_a.post(reverse("projects:photo-add", args=[project.pk]), {"image": fake})
    assert r.status_code == 400
    assert not project.photos.exists()
    with pytest.raises(ValidationError) as e:
        services.photo_add(project=project, upload=SimpleUploadedFile("x.jpg", b"GIF89a...."))
    assert "image" in e.value.message_dict


def test_a_gif_is_refused_by_its_content(make_project):
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="GIF")
    with pytest.raises(ValidationError) as e:
        services.photo_add(project=make_project(), upload=SimpleUploadedFile("x.jpg", out.getvalue()))
    assert "JPEG、PNG 或 WebP" in str(e.value)


def test_a_photo_over_the_size_limit_is_refused(make_project):
    upload = SimpleUploadedFile("x.jpg", jpeg_bytes())
    upload.size = 10 * 1024 * 1024 + 1  # what the upload handler reports, before anything is read
    with pytest.raises(ValidationError) as e:
        services.photo_add(project=make_project(), upload=upload)
    assert "10 MB" in str(e.value)
