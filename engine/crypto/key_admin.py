"""Keeping the master key: checking it at start, rotating it, and giving cases stored before
encryption their data keys (`nrm init`)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, update

from engine.crypto import case_keys
from engine.crypto.master_key import MasterKey, MasterKeyError
from engine.crypto.name_index import rewrap_index_key
from engine.crypto.sealing import MAGIC, TEXT_MARK, seal, seal_text
from engine.persistence.db import Database
from engine.persistence.models import Case, CaseDocumentRow, CaseEvidence, IndexKey, OpenTask, TaskDraft

BATCH = 500
Progress = Callable[[int], None] | None


def keys_in_use(db: Database) -> set[str]:
    """The ids of the master keys the stored case keys are wrapped with."""
    with db.reading() as session:
        used = session.scalars(select(Case.data_key_id).where(Case.data_key.is_not(None)).distinct())
        return {key_id for key_id in used if key_id} | set(session.scalars(select(IndexKey.key_id)))


def check_master_key(db: Database) -> None:
    """Refuse to start (MasterKeyError, nothing changed) if case keys are stored and the configured
    master key is missing or is not the one they were wrapped with."""
    used = keys_in_use(db)
    if not used:
        return
    try:
        configured = case_keys.installed()
    except MasterKeyError as missing:
        raise MasterKeyError(f"the database holds sealed personal data, but {missing}") from None
    others = sorted(used - {configured.key_id})
    if others:
        raise MasterKeyError(
            f"the database's case keys are wrapped with master key {', '.join(others)}, but the configured "
            f"key is {configured.key_id}: configure the key the database was written with (after a "
            "rotation, the new key; `nrm keys rotate` finishes only when every case key is rewrapped)"
        )


def rotate_master_key(db: Database, new: MasterKey, progress: Progress = None) -> int:
    """Rewrap every case's data key under `new` (the data itself is not re-encrypted); returns
    how many. The name index's key is rewrapped too. Safe to run again after an interruption:
    keys already under `new` are skipped."""
    old = case_keys.installed()
    with db.writing() as session:  # the name index's key first: one row (engine/crypto/name_index.py)
        rewrap_index_key(session, old, new)
    done = 0
    while True:
        with db.writing() as session:
            rows = session.execute(
                select(Case.id, Case.data_key)
                .where(Case.data_key.is_not(None), Case.data_key_id == old.key_id)
                .order_by(Case.id)
                .limit(BATCH)
            ).all()
            for case_id, wrapped in rows:
                assert wrapped is not None  # selected so
                session.execute(
                    update(Case)
                    .where(Case.id == case_id, Case.data_key_id == old.key_id)
                    .values(data_key=case_keys.rewrap(wrapped, old, new), data_key_id=new.key_id)
                    .execution_options(synchronize_session=False)
                )
        done += len(rows)
        if progress:
            progress(done)
        if len(rows) < BATCH:
            return done


def seal_existing(db: Database, progress: Progress = None) -> int:
    """Give each case stored before encryption a data key and seal what it holds in clear (its
    state, letters, evidence and drafts); returns how many cases. Notes written before encryption
    stay as written: the database refuses any change to a note."""
    done = 0
    while True:
        with db.writing() as session:
            cases = session.scalars(select(Case).where(Case.data_key_id.is_(None)).limit(BATCH)).all()
            for case in cases:
                case.data_key, case.data_key_id = case_keys.new_case_key()
                key = case.data_key
                if not bytes(case.state).startswith(MAGIC):
                    case.state = seal(key, case.id, "state", bytes(case.state))
                for document in session.scalars(
                    select(CaseDocumentRow).where(CaseDocumentRow.case_id == case.id)
                ):
                    if not document.body.startswith(TEXT_MARK):
                        document.body = seal_text(key, case.id, "document", document.body)
                for item in session.scalars(select(CaseEvidence).where(CaseEvidence.case_id == case.id)):
                    if not item.filename.startswith(TEXT_MARK):
                        item.filename = seal_text(key, case.id, "evidence filename", item.filename)
                        item.description = seal_text(key, case.id, "evidence description", item.description)
                        item.content = seal(key, case.id, "evidence", bytes(item.content))
                tasks = select(OpenTask.id).where(OpenTask.case_id == case.id)
                for draft in session.scalars(select(TaskDraft).where(TaskDraft.task_id.in_(tasks))):
                    if not draft.answers_json.startswith(TEXT_MARK):
                        draft.answers_json = seal_text(key, case.id, "draft", draft.answers_json)
        done += len(cases)
        if progress:
            progress(done)
        if len(cases) < BATCH:
            return done
