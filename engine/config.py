"""Engine settings, from the environment (NRM_*) or given directly."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'instance' / 'nrm.sqlite3'}"
BANK_HOLIDAY_REGIONS = ("england-and-wales", "scotland", "northern-ireland")


@dataclass(frozen=True)
class EngineConfig:
    database_url: str = DEFAULT_DATABASE_URL
    bank_holiday_region: str = "england-and-wales"
    service_modules: list[str] = field(default_factory=lambda: ["tasks"])
    bundle_path: Path = PROJECT_ROOT / "bpmn"

    def __post_init__(self):
        if self.bank_holiday_region not in BANK_HOLIDAY_REGIONS:
            raise ValueError(f"NRM_BANK_HOLIDAYS must be one of {', '.join(BANK_HOLIDAY_REGIONS)}")
        if self.database_url.startswith("sqlite:///"):
            Path(self.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_environment(cls) -> EngineConfig:
        """NRM_DATABASE_URL, NRM_BANK_HOLIDAYS, NRM_SERVICE_MODULES (comma-separated), NRM_BUNDLE."""
        env = os.environ
        return cls(
            database_url=env.get("NRM_DATABASE_URL", DEFAULT_DATABASE_URL),
            bank_holiday_region=env.get("NRM_BANK_HOLIDAYS", "england-and-wales"),
            service_modules=[m for m in env.get("NRM_SERVICE_MODULES", "tasks").split(",") if m],
            bundle_path=Path(env.get("NRM_BUNDLE", PROJECT_ROOT / "bpmn")),
        )
