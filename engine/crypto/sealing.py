"""Sealing personal data with its case's data key (AES-256-GCM), bound to the case and the
kind of data (a sealed letter cannot be passed off as another case's, or as a note).

Bytes are stored as MAGIC + nonce + ciphertext; text columns as "nrm1:" + URL-safe base64 of the
same. Values written before encryption (no marker) read as they are, until they are rewritten."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from contextlib import contextmanager

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from engine.crypto.case_keys import unwrap
from engine.errors import EngineError

MAGIC = b"NRM\x01"
TEXT_MARK = "nrm1:"
_benchmark_in_clear = False  # set only by the benchmark's comparison run (bench/pathway.py)


class PersonalDataErased(EngineError):
    """The case's personal data was erased: its key is destroyed, so nothing of it can be read."""


class SealBroken(EngineError):
    """A sealed value does not open with its case's key: it was damaged or moved."""


def _key(wrapped: bytes | None, case_id: int) -> AESGCM:
    if wrapped is None:
        raise PersonalDataErased(f"the personal data of case {case_id} was erased")
    return AESGCM(unwrap(wrapped))


def _aad(case_id: int, purpose: str) -> bytes:
    return f"nrm case {case_id} {purpose}".encode()


@contextmanager
def in_clear_for_benchmark() -> Iterator[None]:
    """Within this block nothing is sealed: `make bench` times the pathway with and without
    encryption in one run (docs/benchmarks.md). Never used outside the benchmark."""
    global _benchmark_in_clear
    _benchmark_in_clear = True
    try:
        yield
    finally:
        _benchmark_in_clear = False


def seal(wrapped: bytes | None, case_id: int, purpose: str, plain: bytes) -> bytes:
    if _benchmark_in_clear:
        return plain
    nonce = os.urandom(12)
    return MAGIC + nonce + _key(wrapped, case_id).encrypt(nonce, plain, _aad(case_id, purpose))


def unseal(wrapped: bytes | None, case_id: int, purpose: str, stored: bytes) -> bytes:
    stored = bytes(stored)
    if not stored.startswith(MAGIC):
        return stored  # written before encryption
    try:
        return _key(wrapped, case_id).decrypt(stored[4:16], stored[16:], _aad(case_id, purpose))
    except InvalidTag:
        raise SealBroken(f"the {purpose} of case {case_id} does not open with the case's key") from None


def seal_text(wrapped: bytes | None, case_id: int, purpose: str, text: str) -> str:
    if _benchmark_in_clear:
        return text
    return TEXT_MARK + base64.urlsafe_b64encode(seal(wrapped, case_id, purpose, text.encode())).decode()


def unseal_text(wrapped: bytes | None, case_id: int, purpose: str, stored: str) -> str:
    if not stored.startswith(TEXT_MARK):
        return stored  # written before encryption
    blob = base64.urlsafe_b64decode(stored[len(TEXT_MARK) :].encode())
    return unseal(wrapped, case_id, purpose, blob).decode()
