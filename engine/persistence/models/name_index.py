"""Managers' search by name through a keyed blind index (engine/crypto/name_index.py): each word of
a person's names as an HMAC under the index key, never the name itself; and that key, wrapped."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.models.base import Base


class CaseNameToken(Base):
    __tablename__ = "case_name_index"
    __table_args__ = (Index("ix_case_name_index_token", "token_hash", "case_id"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)  # HMAC-SHA256


class IndexKey(Base):
    """The name index's key: 32 random bytes, stored only wrapped by the master key (as case keys)."""

    __tablename__ = "index_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # one row: 1
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(String(16), index=True)  # the master key's id
