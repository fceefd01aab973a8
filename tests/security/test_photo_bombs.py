"""Every door that keeps a photo refuses one whose header declares too many pixels, before decoding it."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.photos import MAX_PIXELS, photo_clean, photo_clean_for


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares width × height and holds almost nothing: decoding it would need gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_a_pixel_bomb_is_refused_from_its_header():
    side = int(MAX_PIXELS**0.5) + 100
    with pytest.raises(ValidationError) as e:
        photo_clean(SimpleUploadedFile("bomb.png", _png_header_only(side, side)))
    assert e.value.messages == ["照片像素过大"]


def test_the_meetings_door_uses_the_same_rules_and_names_its_field():
    from meetings.uploads import clean_photo

    with pytest.raises(ValidationError) as e:
        clean_photo(SimpleUploadedFile("bomb.png", _png_header_only(20_000, 20_000)))
    assert e.value.message_dict == {"photos": ["照片像素过大"]}


def test_a_gif_and_a_text_file_are_refused_by_their_content():
    with pytest.raises(ValidationError) as e:
        photo_clean_for("photo", SimpleUploadedFile("x.jpg", b"GIF89a" + b"\0" * 64))
    assert list(e.value.message_dict) == ["photo"]
    with pytest.raises(ValidationError) as e:
        photo_clean(SimpleUploadedFile("x.jpg", "不是图片".encode()))
    assert e.value.messages == ["文件不是有效的图片"]
