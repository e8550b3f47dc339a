"""Restored workflows kept in the process between steps, keyed by case and checked by version.

Restoring a case's instance state and reading the rows its step replaces cost more than the step
itself (docs/performance.md). After a step commits, its workflow (already pruned exactly as it was
stored) and the case's open-task and timer rows are kept here under the case version just
written. The next step on that case in this process takes the entry if the version it read from
the database is still that one; any write elsewhere (another worker, a scheduler, a suspend or a
migration) bumps the version, so a stale entry is never used, only dropped.

An entry is taken out while a step uses it and put back only after that step has committed: a
step that fails or rolls back leaves nothing behind, and two threads never share a workflow.
Hand-written rather than `functools.lru_cache` or cachetools because entries are taken out and
put back, and a miss must not build anything.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from engine.runtime.step_writes import KnownRows

DEFAULT_SIZE = 500  # bounds the memory kept: a workflow's size is in docs/performance.md


@dataclass
class CachedWorkflow:
    version: int  # the case version the step wrote
    definition_id: int
    state: bytes  # the state the step wrote: a version number alone could come back with other
    # content (a database restored from a backup, a failover to a replica that lagged)
    workflow: Any  # BpmnWorkflow, as stored
    known: KnownRows  # the case's open tasks and waiting timers, as stored
    facts: set[tuple[str, str]]  # the reported facts, as stored
    # The case's open flags and incidents as the last case view read them (None: not read). Both
    # change only with the case version: flags are raised by steps, and an incident is opened
    # and resolved with a version bump.
    marks: tuple[list, list] | None = None


class WorkflowCache:
    """A bounded, least-recently-used map from case id to its last committed workflow."""

    def __init__(self, size: int | None = None):
        self.size = DEFAULT_SIZE if size is None else size
        self._entries: OrderedDict[int, CachedWorkflow] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @classmethod
    def from_environment(cls) -> WorkflowCache:
        """NRM_WORKFLOW_CACHE: how many cases' workflows to keep (0 turns the cache off)."""
        value = os.environ.get("NRM_WORKFLOW_CACHE")
        return cls(int(value) if value else None)

    def take(self, case_id: int, version: int, definition_id: int, state: bytes) -> CachedWorkflow | None:
        """The entry for this exact case version and state, removed from the cache; None if there
        is none. An entry kept at a newer version than the caller read stays (the caller is late)."""
        with self._lock:
            entry = self._entries.get(case_id)
            if entry is None or entry.version > version:
                self.misses += 1
                return None
            del self._entries[case_id]  # older than the caller's version, or the one it read
            if (entry.version, entry.definition_id, entry.state) != (version, definition_id, state):
                self.misses += 1
                return None
            self.hits += 1
            return entry

    def keep(self, case_id: int, entry: CachedWorkflow | None) -> None:
        """Keep a committed step's workflow (None: the case ended, forget it); the least recently
        used entry goes when the cache is full."""
        if entry is None or self.size <= 0:
            self.forget(case_id)
            return
        with self._lock:
            self._entries[case_id] = entry
            self._entries.move_to_end(case_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def forget(self, case_id: int) -> None:
        with self._lock:
            self._entries.pop(case_id, None)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, case_id: int) -> bool:
        return case_id in self._entries
