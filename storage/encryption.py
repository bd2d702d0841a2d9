"""What people confide, sealed field by field: AES-GCM with keys that can be rotated.

A sealed value is text the database stores as it is: `s1.<key id>.<nonce, ciphertext and tag in base64>`.
The key id says which key of `DATA_KEYS` sealed it, so a ring of several keys reads everything and
`rotate-keys` (storage/rotation.py) finds what is still under an old key with a plain `LIKE`. The id is a
digest of the key, never the key. The header is authenticated with the ciphertext: a value moved under
another id, cut or altered fails to open instead of reading as something else.

The ring is the engine's (`attach`): each engine reads and writes with the keys it was created with, so
two apps in one process (a test rotating keys) never share them by accident.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine

FORMAT = "s1"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # GCM's own size; random, which is safe for far more values than one key ever seals here
_ID = re.compile(r"^[0-9a-f]{8}$")
_ON_DIALECT = "therapy_bot_data_keys"


class MissingDataKeys(Exception):
    """A sealed field was read or written by an engine given no keys."""


class UnknownDataKey(Exception):
    """The value was sealed under a key the ring does not hold (it was removed before rotation finished)."""

    def __init__(self, key_id: str) -> None:
        super().__init__(f"a value is sealed under data key {key_id}, which DATA_KEYS does not hold")
        self.key_id = key_id


class DamagedValue(Exception):
    """The value does not open under its own key: altered, cut, or not a sealed value at all."""


def new_key() -> str:
    """A fresh key, as DATA_KEYS holds it: 32 random bytes in URL-safe base64."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"therapy-bot data key id:" + key).hexdigest()[:8]


def sealed_prefix(key_id: str) -> str:
    """How every value sealed under that key begins: what `LIKE` looks for."""
    return f"{FORMAT}.{key_id}."


@dataclass(frozen=True)
class KeyRing:
    """The first key seals; every key opens what it sealed."""

    keys: tuple[tuple[str, AESGCM], ...]

    @classmethod
    def parse(cls, setting: str) -> KeyRing:
        """DATA_KEYS: comma-separated keys, the one to write with first. Errors never echo a key."""
        parts = [part.strip() for part in setting.split(",") if part.strip()]
        if not parts:
            raise ValueError("no key given")
        keys: list[tuple[str, AESGCM]] = []
        for number, part in enumerate(parts, start=1):
            try:
                raw = base64.urlsafe_b64decode(part.encode("ascii"))
            except (binascii.Error, UnicodeEncodeError):
                raw = b""
            if len(raw) != KEY_BYTES:
                raise ValueError(f"key {number} is not {KEY_BYTES} bytes in URL-safe base64 (python -m bot new-key makes one)")
            ident = key_id(raw)
            if any(ident == known for known, _ in keys):
                raise ValueError(f"key {number} is given twice")
            keys.append((ident, AESGCM(raw)))
        return cls(tuple(keys))

    @property
    def writer(self) -> str:
        return self.keys[0][0]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(ident for ident, _ in self.keys)

    def seal(self, plain: bytes) -> str:
        ident, cipher = self.keys[0]
        header = sealed_prefix(ident)
        nonce = os.urandom(NONCE_BYTES)
        sealed = cipher.encrypt(nonce, plain, header.encode("ascii"))
        return header + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, value: str) -> bytes:
        ident = sealed_key(value)
        if ident is None:
            raise DamagedValue("not a sealed value")
        cipher = next((cipher for known, cipher in self.keys if known == ident), None)
        if cipher is None:
            raise UnknownDataKey(ident)
        header = sealed_prefix(ident)
        try:
            body = base64.urlsafe_b64decode(value[len(header):].encode("ascii"))
            return cipher.decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], header.encode("ascii"))
        except (InvalidTag, binascii.Error, ValueError) as error:
            raise DamagedValue(f"a value sealed under data key {ident} does not open") from error


def sealed_key(value: str) -> str | None:
    """The id of the key a value was sealed under, or None for a value that is not sealed."""
    form, _, rest = value.partition(".")
    ident, dot, _ = rest.partition(".")
    return ident if form == FORMAT and dot and _ID.match(ident) else None


def attach(engine: AsyncEngine, ring: KeyRing | None) -> None:
    """The keys this engine's sealed columns read and write with."""
    setattr(engine.sync_engine.dialect, _ON_DIALECT, ring)


def ring_of(dialect: Dialect) -> KeyRing:
    ring: KeyRing | None = getattr(dialect, _ON_DIALECT, None)
    if ring is None:
        raise MissingDataKeys("this database connection was made without DATA_KEYS, and a sealed field needs them")
    return ring
