"""Each case's data key: 32 random bytes, stored only wrapped (AES-256-GCM) by the master key.

The process holds one master key, installed by the Engine from its configuration: the rows are
read and written in many places (a step, a download, a draft), all of which seal with the case's
own key through this module. Destroying a case's wrapped key makes every copy of its personal
data unreadable (engine/crypto/sealing.py), in the database and in every backup of it."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from engine.crypto.master_key import MasterKey, MasterKeyError

WRAPPED_VERSION = b"\x01"
_WRAP_AAD = b"nrm case data key"
_master: MasterKey | None = None


def install(master: MasterKey | None) -> None:
    """The master key this process wraps and unwraps case keys with."""
    global _master
    _master = master


def installed() -> MasterKey:
    if _master is None:
        raise MasterKeyError(
            "no master key is configured: set NRM_MASTER_KEY_FILE to the key file (make one with "
            "`nrm keys new FILE`) or NRM_MASTER_KEY to the key itself"
        )
    return _master


def wrap(data_key: bytes, master: MasterKey | None = None) -> bytes:
    master = master or installed()
    nonce = os.urandom(12)
    sealed = AESGCM(master.secret).encrypt(nonce, data_key, _WRAP_AAD)
    return WRAPPED_VERSION + bytes.fromhex(master.key_id) + nonce + sealed


def new_case_key() -> tuple[bytes, str]:
    """A new data key, wrapped, and the id of the master key that wrapped it."""
    master = installed()
    return wrap(os.urandom(32), master), master.key_id


def wrapped_by(wrapped: bytes) -> str:
    """The id of the master key a wrapped key was wrapped with."""
    return bytes(wrapped[1:9]).hex()


def unwrap(wrapped: bytes, master: MasterKey | None = None) -> bytes:
    master = master or installed()
    wrapped = bytes(wrapped)
    if wrapped[:1] != WRAPPED_VERSION or len(wrapped) != 1 + 8 + 12 + 32 + 16:
        raise MasterKeyError("a case's data key is damaged: restore the database from a backup")
    if wrapped_by(wrapped) != master.key_id:
        raise MasterKeyError(
            f"the case keys were wrapped with master key {wrapped_by(wrapped)}, but the configured key "
            f"is {master.key_id}: configure the key the database was written with"
        )
    try:
        return AESGCM(master.secret).decrypt(wrapped[9:21], wrapped[21:], _WRAP_AAD)
    except InvalidTag:
        raise MasterKeyError("a case's data key does not open with the master key: it is damaged") from None


def rewrap(wrapped: bytes, old: MasterKey, new: MasterKey) -> bytes:
    """The same data key, wrapped by `new` instead of `old` (the data itself is not touched)."""
    return wrap(unwrap(wrapped, old), new)
