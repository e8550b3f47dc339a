"""The master key: 32 random bytes, given as URL-safe base64 in NRM_MASTER_KEY or in the file
NRM_MASTER_KEY_FILE names. It wraps every case's data key and is never stored in the database;
its id (a hash of it) is, beside each wrapped key, so a wrong key is told apart from a damaged one."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import EngineError

KEY_BYTES = 32


class MasterKeyError(EngineError):
    """The master key is missing, malformed, or not the one the case keys were wrapped with."""


@dataclass(frozen=True)
class MasterKey:
    secret: bytes = field(repr=False)

    @property
    def key_id(self) -> str:
        """16 hex digits naming the key (not secret: a hash of it)."""
        return hashlib.sha256(b"nrm master key id:" + self.secret).hexdigest()[:16]


def parse_master_key(text: str, where: str = "NRM_MASTER_KEY") -> MasterKey:
    try:
        secret = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        secret = b""
    if len(secret) != KEY_BYTES:
        raise MasterKeyError(
            f"{where} is not a master key: it must be {KEY_BYTES} random bytes in URL-safe base64. "
            "Make one with `nrm keys new FILE`."
        )
    return MasterKey(secret)


def read_key_file(path: Path) -> MasterKey:
    try:
        text = path.read_text()
    except OSError as error:
        raise MasterKeyError(
            f"the master key file {path} cannot be read ({error.strerror}). Set NRM_MASTER_KEY_FILE "
            "to the key file, or make a new key with `nrm keys new FILE` for a new database."
        ) from None
    return parse_master_key(text, f"the master key file {path}")


def new_master_key_text() -> str:
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def write_key_file(path: Path) -> MasterKey:
    """A new master key in a new file readable by its owner only; never overwrites a file."""
    text = new_master_key_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text + "\n")
    return parse_master_key(text)


def configured_master_key(key: str | None, key_file: Path | None) -> MasterKey | None:
    """The configured master key: the key itself, else the key file's; None if none is
    configured (anything personal then fails, saying so)."""
    if key:
        return parse_master_key(key)
    if key_file is not None:
        return read_key_file(key_file)
    return None
