"""Task ids a case can rebuild: the n-th task of a case gets a keyed hash of n as its id.

SpiffWorkflow gives every task a random UUID, and random ids are most of what a case's stored
state costs once compressed (16 bytes of noise each, 30 to 40 tasks a case: docs/benchmarks.md §5).
Here the ids of a case's tasks are derived from a random per-case seed and a counter instead, so
the stored state writes a small number for each (engine/spec/serialization.py) and the seed once.
They look like any random UUID (a BLAKE2b hash keyed by the seed: one id tells nothing of the
case's others), so task ids in addresses stay unguessable. Tasks created outside a case's step
(none are, today) and cases stored before this keep random ids, stored in full.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from uuid import UUID, uuid4

import SpiffWorkflow.task

ATTRIBUTE = "nrm_task_ids"  # the workflow attribute holding its TaskIds


class TaskIds:
    """The ids issued to one case's tasks: `seed` (16 random bytes) and how many were issued."""

    def __init__(self, seed: bytes | None = None, issued: int = 0) -> None:
        self.seed = seed if seed is not None else os.urandom(16)
        self.issued = issued
        self._known: dict[str, int] = {}
        self._listed = 0  # the ids below this number are in _known

    def derive(self, n: int) -> UUID:
        digest = hashlib.blake2b(n.to_bytes(8, "big"), key=self.seed, digest_size=16).digest()
        return UUID(bytes=digest, version=4)

    def next(self) -> UUID:
        task_id = self.derive(self.issued)
        self.issued += 1
        return task_id

    def known(self) -> dict[str, int]:
        """Every id issued so far (as text), with its number."""
        for n in range(self._listed, self.issued):
            self._known[str(self.derive(n))] = n
        self._listed = self.issued
        return self._known


_issuing: ContextVar[TaskIds | None] = ContextVar("nrm_task_ids", default=None)


@contextmanager
def issuing(ids: TaskIds | None) -> Iterator[None]:
    """New tasks created in this block get their ids from `ids` (random ones if None)."""
    token = _issuing.set(ids)
    try:
        yield
    finally:
        _issuing.reset(token)


def _task_id() -> UUID:
    ids = _issuing.get()
    return ids.next() if ids is not None else uuid4()


# SpiffWorkflow's Task takes `id or uuid4()`: the one place a task id is made.
SpiffWorkflow.task.uuid4 = _task_id
