"""Engine settings, from the environment (NRM_*) or given directly."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'instance' / 'nrm.sqlite3'}"
BANK_HOLIDAY_REGIONS = ("england-and-wales", "scotland", "northern-ireland")


DEFAULT_MASTER_KEY_FILE = PROJECT_ROOT / "instance" / "master.key"  # the demo's, made by `nrm init`


def _key_file_from_environment() -> Path | None:
    """NRM_MASTER_KEY_FILE; without it (nor NRM_MASTER_KEY), the demo's key file if there is one."""
    if named := os.environ.get("NRM_MASTER_KEY_FILE"):
        return Path(named)
    if not os.environ.get("NRM_MASTER_KEY") and DEFAULT_MASTER_KEY_FILE.exists():
        return DEFAULT_MASTER_KEY_FILE
    return None


@dataclass(frozen=True)
class EngineConfig:
    database_url: str = DEFAULT_DATABASE_URL
    bank_holiday_region: str = "england-and-wales"
    service_modules: list[str] = field(default_factory=lambda: ["tasks"])
    bundle_path: Path = PROJECT_ROOT / "bpmn"
    timer_lease_seconds: float = 60.0  # a claimed timer not fired by then is free to claim again
    timer_max_attempts: int = 5  # failed firings before the timer becomes an incident
    timer_backoff_seconds: float = 5.0  # wait after the first failure; doubles each time
    scheduler_poll_seconds: float = 2.0  # how often a scheduler looks for new and changed timers
    scheduler_horizon_seconds: float = 300.0  # timers due this soon are held as in-memory jobs
    scheduler_workers: int = 2  # threads for a scheduler's jobs: wake-ups and the one drainer
    evidence_max_bytes: int = 20 * 1024 * 1024  # an evidence file uploaded to a case
    retention_hour: int = 2  # the hour (UTC, 0-23) of each scheduler's daily retention run
    # the master key (engine/crypto/master_key.py): the key itself, or the file holding it
    master_key: str | None = field(default_factory=lambda: os.environ.get("NRM_MASTER_KEY"), repr=False)
    master_key_file: Path | None = field(default_factory=lambda: _key_file_from_environment())

    def __post_init__(self):
        if self.bank_holiday_region not in BANK_HOLIDAY_REGIONS:
            raise ValueError(f"NRM_BANK_HOLIDAYS must be one of {', '.join(BANK_HOLIDAY_REGIONS)}")
        if not 0 <= self.retention_hour <= 23:
            raise ValueError("NRM_RETENTION_HOUR must be an hour from 0 to 23 (UTC)")
        if self.database_url.startswith("sqlite:///"):
            Path(self.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_environment(cls) -> EngineConfig:
        """NRM_DATABASE_URL, NRM_BANK_HOLIDAYS, NRM_SERVICE_MODULES (comma-separated), NRM_BUNDLE and
        the timer settings NRM_TIMER_LEASE_SECONDS, NRM_TIMER_MAX_ATTEMPTS, NRM_TIMER_BACKOFF_SECONDS,
        NRM_SCHEDULER_POLL_SECONDS, NRM_SCHEDULER_HORIZON_SECONDS, NRM_SCHEDULER_WORKERS,
        NRM_EVIDENCE_MAX_BYTES, NRM_RETENTION_HOUR, and the master key: NRM_MASTER_KEY or
        NRM_MASTER_KEY_FILE (read by the fields' defaults)."""
        env = os.environ
        numbers: dict[str, Any] = {
            name: kind(env[f"NRM_{name.upper()}"])
            for name, kind in (
                ("timer_lease_seconds", float),
                ("timer_max_attempts", int),
                ("timer_backoff_seconds", float),
                ("scheduler_poll_seconds", float),
                ("scheduler_horizon_seconds", float),
                ("scheduler_workers", int),
                ("evidence_max_bytes", int),
                ("retention_hour", int),
            )
            if f"NRM_{name.upper()}" in env
        }
        return cls(
            **numbers,
            database_url=env.get("NRM_DATABASE_URL", DEFAULT_DATABASE_URL),
            bank_holiday_region=env.get("NRM_BANK_HOLIDAYS", "england-and-wales"),
            service_modules=[m for m in env.get("NRM_SERVICE_MODULES", "tasks").split(",") if m],
            bundle_path=Path(env.get("NRM_BUNDLE", PROJECT_ROOT / "bpmn")),
        )
