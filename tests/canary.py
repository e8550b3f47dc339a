"""Looking for a person's name where it must never be in clear: every table and column of a
database (compressed values opened, JSON read as text), or a log line."""

from __future__ import annotations

import contextlib
import json
import zlib
from collections.abc import Iterable

from sqlalchemy import MetaData, create_engine, select

CANARY = "Quillfeather"  # every scenario's person's family name (tests/scenarios/conftest.py)


def holds(value: object, words: Iterable[str]) -> bool:
    """Whether any of `words` is in a stored value, opening compressed bytes and JSON."""
    words = [w.lower() for w in words]
    if value is None or isinstance(value, int | float):
        return False
    if isinstance(value, memoryview | bytearray):
        value = bytes(value)
    if isinstance(value, bytes):
        texts = [value.lower()]
        with contextlib.suppress(zlib.error):
            texts.append(zlib.decompress(value).lower())
        return any(w.encode() in t for w in words for t in texts)
    text = (value if isinstance(value, str) else json.dumps(value, default=str)).lower()
    return any(w in text for w in words)


def tables_holding(database_url: str, words: Iterable[str]) -> list[str]:
    """Every table.column (one entry a row) holding any of `words`."""
    words = list(words)
    db = create_engine(database_url)
    metadata = MetaData()
    metadata.reflect(db)
    found = []
    try:
        with db.connect() as connection:
            for table in metadata.sorted_tables:
                for row in connection.execute(select(table)):
                    found += [
                        f"{table.name}.{name}" for name, value in row._mapping.items() if holds(value, words)
                    ]
    finally:
        db.dispose()
    return found
