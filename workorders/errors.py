"""Domain errors raised by services; interfaces map them to HTTP statuses and messages."""

from __future__ import annotations


class WorkOrderError(Exception):
    """Base class: ``message`` is shown to the user; ``field`` names the input at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ActionNotPermitted(WorkOrderError):
    """The user's role or department may not take this action on this order (HTTP 403)."""


class InvalidTransition(WorkOrderError):
    """The action does not apply to the order in its current status (HTTP 409)."""


class Conflict(WorkOrderError):
    """The request contradicts what is already stored under the same identity (HTTP 409)."""


class InvalidInput(WorkOrderError):
    """A value given to a service is wrong (HTTP 400, naming ``field``)."""


class StaleWrite(WorkOrderError):
    """The order changed since the version the write was based on (HTTP 409); ``message`` says who changed
    what since then, and ``current_version`` is the version to base a new attempt on."""

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version
