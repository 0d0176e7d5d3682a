"""Helpers for the 微受理 H5 tests: a citizen's browser session, the form's fields, real image bytes."""
from __future__ import annotations

import re
import struct
import zlib

from tests.support import csrf_token_from

KEY_FIELD = re.compile(r'name="key" value="([^"]*)"')


def signed_in(app, openid: str):
    """A test client identified as `openid` through the real dev login (CSRF included)."""
    client = app.test_client()
    token = csrf_token_from(client.get("/wechat/h5/dev-login").get_data(as_text=True))
    response = client.post("/wechat/h5/dev-login", data={"csrf_token": token, "openid": openid})
    assert response.status_code == 302
    return client


def form_fields(html: str) -> dict:
    """The hidden fields a page's form carries (CSRF token and idempotency key)."""
    return {"csrf_token": csrf_token_from(html), "key": KEY_FIELD.search(html).group(1)}


def good_fields(**overrides) -> dict:
    fields = {"request_type": "complaint", "category": "010101", "address": "小店区坞城路88号3单元502",
              "content": "我家暖气片一直不热，室温只有十二度，家里老人孩子都冻感冒了，请尽快处理。",
              "name": "张先生", "phone": "13812345678"}
    fields.update(overrides)
    return fields


def png(width: int = 2, height: int = 2, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A real PNG image (browsers draw it), made without an imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))
