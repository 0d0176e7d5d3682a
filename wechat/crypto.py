"""Signatures and the AES envelope of safe mode, with EncodingAESKey rotation.

The cipher itself is wechatpy's PrpCrypto (AES-256-CBC, PKCS#7 to 32 bytes, random16 ‖ len ‖ msg ‖ AppID);
signatures are computed and compared (in constant time) here.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string

from wechatpy.crypto import PrpCrypto

_ALPHABET = string.ascii_letters + string.digits


class InvalidSignature(Exception):
    """signature or msg_signature does not match: the request did not come from WeChat."""


class DecryptFailed(Exception):
    """The envelope could not be opened with any configured key, or carries another AppID."""


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 of the sorted parts concatenated, hex."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def check_signature(expected: str | None, *parts: str) -> None:
    if not expected or not hmac.compare_digest(sign(*parts).encode(), expected.encode()):
        raise InvalidSignature()


class _Cipher(PrpCrypto):
    def get_random_string(self) -> str:  # wechatpy uses `random`; the prefix should be unpredictable
        return "".join(secrets.choice(_ALPHABET) for _ in range(16))


class Envelope:
    """Opens and seals safe-mode messages. keys[0] is current; keys[1], if any, the previous key."""

    def __init__(self, token: str, app_id: str, keys: list[str]):
        self.token = token
        self.app_id = app_id
        self.ciphers = [_Cipher(base64.b64decode(key + "=")) for key in keys if key]

    def open(self, encrypted: str, msg_signature: str | None, timestamp: str, nonce: str) -> tuple[str, int]:
        """Return (plaintext XML, index of the key that worked)."""
        check_signature(msg_signature, self.token, timestamp, nonce, encrypted)
        for index, cipher in enumerate(self.ciphers):
            try:
                return cipher.decrypt(encrypted, self.app_id), index
            except Exception:  # noqa: BLE001 - a wrong key surfaces as many error types
                continue
        raise DecryptFailed()

    def seal(self, xml: str, key_index: int, nonce: str, timestamp: str) -> str:
        encrypted = self.ciphers[key_index].encrypt(xml, self.app_id).decode()
        signature = sign(self.token, timestamp, nonce, encrypted)
        return (f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt><MsgSignature><![CDATA[{signature}]]>"
                f"</MsgSignature><TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>")
