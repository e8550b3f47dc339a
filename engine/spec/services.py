"""Service tasks: the registry of named functions the diagrams call, and what they may touch."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.errors import ServiceTaskError
from engine.spec.definition_files import DefinitionFiles

ServiceFunction = Callable[..., Any]

_REGISTRY: dict[str, ServiceFunction] = {}


def service_task(name: str) -> Callable[[ServiceFunction], ServiceFunction]:
    """Register a function as the service-task operator called `name` in the diagrams."""

    def register(function: ServiceFunction) -> ServiceFunction:
        if name in _REGISTRY and _REGISTRY[name] is not function:
            raise ValueError(f"service task {name!r} is registered twice")
        _REGISTRY[name] = function
        return function

    return register


def registered_services() -> dict[str, ServiceFunction]:
    """The operators known to the engine, by name."""
    return dict(_REGISTRY)


def load_service_modules(modules: list[str]) -> None:
    """Import the modules that register service tasks (by default the `tasks` package).

    The engine never imports `tasks` statically: the import direction is tasks -> engine.
    """
    for module in modules:
        importlib.import_module(module)


@dataclass
class CaseDocument:
    """A document (decision letter, notice, notification) produced during a step."""

    id: str
    kind: str
    title: str
    recipient: str
    body: str


@dataclass
class CaseFlag:
    """A flag raised on a case (for example an overdue decision), escalated to managers."""

    kind: str
    message: str


@dataclass
class ServiceContext:
    """What a service task sees: the clock, the case, the files and parameters of the case's own
    deployed version (`definition`), and places to put documents and flags.

    Documents and flags are written by the engine in the same transaction as the step.
    """

    now: datetime
    case_key: str
    data: Mapping[str, Any]
    bank_holiday_region: str = "england-and-wales"
    definition: DefinitionFiles = field(default_factory=DefinitionFiles)
    documents: list[CaseDocument] = field(default_factory=list)
    flags: list[CaseFlag] = field(default_factory=list)

    def add_document(self, kind: str, title: str, body: str, recipient: str) -> str:
        """Store a document on the case; returns its id."""
        document = CaseDocument(str(uuid.uuid4()), kind, title, recipient, body)
        self.documents.append(document)
        return document.id

    def flag(self, kind: str, message: str) -> None:
        """Raise a flag on the case (shown to managers, audited)."""
        self.flags.append(CaseFlag(kind, message))


def call_service(name: str, context: ServiceContext, params: Mapping[str, Any]) -> Any:
    """Run the operator `name` with evaluated parameters; errors name the operator."""
    function = _REGISTRY.get(name)
    if function is None:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise ServiceTaskError(f"unknown service task operator {name!r} (known: {known})")
    try:
        return function(context, **params)
    except TypeError as error:
        raise ServiceTaskError(f"service task {name!r} was called with wrong parameters: {error}") from error
