"""The engine's exceptions: each names what is wrong and what to do next."""

from __future__ import annotations

from dataclasses import dataclass


class EngineError(Exception):
    """Base class for every error the engine raises on purpose."""


class NotFound(EngineError):
    """A case, task or definition that does not exist."""


class CaseNotFound(NotFound):
    pass


class TaskNotFound(NotFound):
    pass


class DefinitionNotFound(NotFound):
    pass


class Conflict(EngineError):
    """Someone else changed the case first; reload and try again."""


class TaskAlreadyCompleted(Conflict):
    """The task was completed already (by `completed_by`, a username for systems; `completed_by_name`
    is the person's name for pages, "someone else" if they are not a user)."""

    def __init__(
        self,
        message: str,
        completed_by: str | None = None,
        completed_by_name: str | None = None,
        case_key: str | None = None,
    ):
        super().__init__(message)
        self.completed_by = completed_by
        self.completed_by_name = completed_by_name or "someone else"
        self.case_key = case_key  # told only to those who may see the task, as the name is


class DraftTooLong(EngineError):
    """Answers too long to keep as a draft (nothing was kept)."""


class CaseNotActive(Conflict):
    """The case is suspended, cancelled or complete, so it cannot move."""


class ErasureRefused(Conflict):
    """A case's personal data cannot be erased (or its legal hold changed) now: the message says
    why and what to do first (cancel the case, lift its hold)."""


class Forbidden(EngineError):
    """The user is not in a group allowed to do this (`action` and `target` say what was refused:
    the case id, task id and element id, plain values that outlive the rolled-back session)."""

    def __init__(
        self,
        message: str,
        action: str = "unknown",
        target: tuple[int | None, str | None, str | None] = (None, None, None),
    ):
        super().__init__(message)
        self.action = action
        self.target = target


@dataclass
class FieldError:
    """One failing form field: its path (e.g. `date_of_birth`, `aliases.1` for an item), the
    message, the schema keyword that failed (`required`, `maxLength`, `x-when`, …) and, where it
    helps a reader, the value concerned in plain text (the repeated item of `uniqueItems`)."""

    field: str
    message: str
    keyword: str = ""
    detail: str = ""


class FormValidationError(EngineError):
    """Form data failed its JSON Schema; `errors` names every failing field."""

    def __init__(self, form: str, errors: list[FieldError]):
        self.form = form
        self.errors = errors
        fields = "; ".join(f"{e.field}: {e.message}" for e in errors)
        super().__init__(f"form {form} is not valid: {fields}")


@dataclass
class Finding:
    """One problem found in a bundle, tied to a file and (where known) an element id."""

    file: str
    element_id: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}#{self.element_id}" if self.element_id else self.file
        return f"{where}: {self.message}"


class DeploymentError(EngineError):
    """A bundle was refused; `findings` says what is wrong and where."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("deployment refused:\n" + "\n".join(f"  - {f}" for f in findings))


class UnsafeXml(EngineError):
    """XML with a DOCTYPE, entity declaration or other construct we never parse."""


class SandboxViolation(EngineError):
    """An expression, script or DMN cell tried something the sandbox forbids (`element_id`:
    where, when it was found running a case)."""

    def __init__(self, message: str, element_id: str | None = None):
        super().__init__(message)
        self.element_id = element_id


class ServiceTaskError(EngineError):
    """A service task is unknown or failed."""


class ScriptError(EngineError):
    """An expression or script failed while the case was running (`element_id`: where, if known).
    `transient`: the cause may not come again, so a timer may try again (see CodeBudgetExceeded)."""

    transient = False

    def __init__(self, message: str, element_id: str | None = None):
        super().__init__(message)
        self.element_id = element_id


class CodeBudgetExceeded(ScriptError):
    """Diagram code used more processor time or memory than its budget, and was stopped.
    `transient`: the cause may not come again (the step's own time ran out, the process running
    the code ended), so a timer may try again; otherwise it would do the same again."""

    def __init__(self, message: str, element_id: str | None = None, *, transient: bool = False):
        super().__init__(message, element_id)
        self.transient = transient  # the step's own time ran out, or the runner's process ended


class ValueNotStorable(ScriptError):
    """Diagram code stored a value a case cannot hold (not JSON: bytes, sets, complex numbers...)."""
