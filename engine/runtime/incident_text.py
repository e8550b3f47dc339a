"""What went wrong, as incidents, timer rows and audit rows keep it: an error from the diagram's
code can quote the case's data ("invalid literal for int(): 'the person's name'"), so it is sealed
with the case's key like any personal data, and opened only where a manager reads it. Logs get
the kind of error alone (`error_kind`), never its message."""

from __future__ import annotations

from engine.crypto.sealing import PersonalDataErased, seal_text, unseal_text

PURPOSE = "incident"
MOST_CHARACTERS = 1400  # sealed and base64'd, it still fits the 2000-character columns
ERASED = "The details of this error were erased with the case's personal data."


def error_kind(error: BaseException) -> str:
    """What a log line may say of an error: its class, with no message (it may quote data)."""
    return type(error).__name__


def seal_error(data_key: bytes | None, case_id: int, message: str) -> str:
    """The message sealed with the case's key; of an erased case, only that it was erased."""
    if data_key is None:
        return ERASED
    return seal_text(data_key, case_id, PURPOSE, message[:MOST_CHARACTERS])


def open_error(data_key: bytes | None, case_id: int, stored: str) -> str:
    """The message as a manager reads it (written before sealing: as it is)."""
    try:
        return unseal_text(data_key, case_id, PURPOSE, stored)
    except PersonalDataErased:
        return ERASED
