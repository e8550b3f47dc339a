"""Managers' search by name, through a keyed blind index: each word of a person's names (given
names, family name, other names), normalised, is stored as HMAC-SHA256 under the index key in
`case_name_index`; never the name, never an unkeyed hash (a list of common names would open that).

The index key. Deriving it straight from the master key would change it at every rotation, and
rebuilding the index then means unsealing every case's state: heavy, and impossible for a case
whose state is damaged. So the index has a key of its own, 32 random bytes made on first use and
stored only wrapped by the master key in `index_keys`, exactly like a case's data key: rotation
rewraps it with the case keys (engine/crypto/key_admin.py) and the index stays valid, unchanged.
The HMAC key is HKDF-SHA256 of it with info b"nrm name index", so the stored secret is used for
nothing else. Without the master key the index is a set of random-looking 32-byte values."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Select, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine.crypto import case_keys
from engine.crypto.master_key import MasterKey
from engine.persistence.models import CaseNameToken, IndexKey

NAME_FIELDS = ("given_names", "family_name", "aliases")  # the referral forms' names of the person
MAX_WORDS = 50  # a case's index rows at most (names are at most 200 characters each)
_INFO = b"nrm name index"
_KEY_ROW = 1
_APOSTROPHES = re.compile(r"['\u2019\u02bc`]")
_NOT_A_LETTER = re.compile(r"[^\w]|_")
_derived: dict[bytes, bytes] = {}  # wrapped index key -> HMAC key (this process)


def name_words(text: str) -> list[str]:
    """The words of a name as the index compares them: accents stripped, case folded, apostrophes
    dropped (O'Brien is obrien), any other punctuation a space (Smith-Jones is smith and jones)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    plain = _APOSTROPHES.sub("", plain.casefold())
    return [word for word in _NOT_A_LETTER.sub(" ", plain).split() if word]


def names_in(answers: dict[str, Any]) -> list[str]:
    """Each distinct word of the person's names in a form's answers."""
    values: list[Any] = []
    for name in NAME_FIELDS:
        value = answers.get(name)
        values += value if isinstance(value, list) else [value]
    words = [w for value in values if isinstance(value, str) for w in name_words(value)]
    return list(dict.fromkeys(words))[:MAX_WORDS]


def _hmac_key(session: Session, create: bool = True) -> bytes | None:
    wrapped = session.scalar(select(IndexKey.wrapped_key).where(IndexKey.id == _KEY_ROW))
    if wrapped is None and not create:
        return None  # nothing was ever indexed
    if wrapped is None:  # first use: made once, whoever comes first (the others read it)
        master = case_keys.installed()
        insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
        session.execute(
            insert(IndexKey)
            .values(id=_KEY_ROW, wrapped_key=case_keys.wrap(os.urandom(32), master), key_id=master.key_id)
            .on_conflict_do_nothing()
        )
        wrapped = session.scalar(select(IndexKey.wrapped_key).where(IndexKey.id == _KEY_ROW))
        assert wrapped is not None  # just written
    wrapped = bytes(wrapped)
    if wrapped not in _derived:
        secret = case_keys.unwrap(wrapped)
        _derived[wrapped] = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret)
    return _derived[wrapped]


def _hashes(key: bytes, words: Iterable[str]) -> list[bytes]:
    return [hmac.new(key, word.encode(), hashlib.sha256).digest() for word in words]


def index_names(session: Session, case_id: int, answers: dict[str, Any]) -> None:
    """Make the case's index rows those of the names in `answers` (a form that asks them)."""
    forget_names(session, case_id)
    words = names_in(answers)
    key = _hmac_key(session) if words else None
    if key is not None:
        hashes = _hashes(key, words)
        session.execute(
            CaseNameToken.__table__.insert(), [{"case_id": case_id, "token_hash": h} for h in hashes]
        )


def forget_names(session: Session, case_id: int) -> None:
    """Remove a case's index rows: at erasure, so an erased person cannot be found by name."""
    session.execute(delete(CaseNameToken).where(CaseNameToken.case_id == case_id))


def cases_named(session: Session, text: str) -> Select | None:
    """The ids of the cases whose names hold every word of `text`; None if it has no word, or
    if no name was ever indexed."""
    words = list(dict.fromkeys(name_words(text)))[:MAX_WORDS]
    key = _hmac_key(session, create=False) if words else None
    if key is None:
        return None
    hashes = _hashes(key, words)
    return (
        select(CaseNameToken.case_id)
        .where(CaseNameToken.token_hash.in_(hashes))
        .group_by(CaseNameToken.case_id)
        .having(func.count() == len(hashes))
    )


def rewrap_index_key(session: Session, old: MasterKey, new: MasterKey) -> None:
    """At rotation: the index key, wrapped by `new` instead of `old` (the index is unchanged)."""
    row = session.get(IndexKey, _KEY_ROW)
    if row is not None and row.key_id == old.key_id:
        row.wrapped_key, row.key_id = case_keys.rewrap(row.wrapped_key, old, new), new.key_id
