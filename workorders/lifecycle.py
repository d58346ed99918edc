"""The work-order state machine as data: for each action, the statuses it may start from, the status it
leads to (None: unchanged), who may take it, and whether the actor must belong to the assigned department;
and for the actions that move a department's assignment, which assignment statuses it moves from and to.
Pure: the one transition function in services.py enforces it and records the event."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Role
from workorders.choices import Action, AssignmentStatus, Status

SYSTEM = "system"  # the role recorded for periodic tasks and triage, which act without a user

_ALL_STATUSES = frozenset(Status)
_OPERATORS = frozenset({Role.OPERATOR, Role.ADMIN})
_CENTRE = frozenset({Role.OPERATOR, Role.MANAGER, Role.ADMIN})
_SUPERVISORS = frozenset({Role.MANAGER, Role.ADMIN})
_OFFICERS = frozenset({Role.OFFICER})


@dataclass(frozen=True)
class ActionRule:
    from_statuses: frozenset[str]
    to_status: str | None
    roles: frozenset[str]
    # The actor must be an officer of the assignment's department or of one of its parents.
    needs_assignment: bool = False


RULES: dict[str, ActionRule] = {
    Action.CREATE: ActionRule(frozenset(), Status.DRAFT, _OPERATORS | {SYSTEM}),
    Action.TRIAGE: ActionRule(frozenset({Status.DRAFT}), None, frozenset({SYSTEM})),
    Action.EDIT: ActionRule(frozenset({Status.DRAFT, Status.RETURNED}), None, _OPERATORS),
    Action.CANCEL: ActionRule(frozenset({Status.DRAFT}), Status.CANCELLED, _OPERATORS),
    Action.MERGE: ActionRule(frozenset({Status.DRAFT}), Status.MERGED, _OPERATORS),
    # Undo a merge: the order awaits dispatch again on its own (撤销合并).
    Action.UNMERGE: ActionRule(frozenset({Status.MERGED}), Status.DRAFT, _OPERATORS),
    Action.DISPATCH: ActionRule(frozenset({Status.DRAFT}), Status.DISPATCHED, _OPERATORS),
    Action.AUTO_DISPATCH: ActionRule(frozenset({Status.DRAFT}), Status.DISPATCHED, frozenset({SYSTEM})),
    Action.SIGN: ActionRule(frozenset({Status.DISPATCHED}), Status.SIGNED, _OFFICERS, needs_assignment=True),
    Action.ASSIST_SIGN: ActionRule(
        frozenset({Status.DISPATCHED, Status.SIGNED}), None, _OFFICERS, needs_assignment=True
    ),
    Action.CONTACT: ActionRule(frozenset({Status.SIGNED}), None, _OFFICERS, needs_assignment=True),
    Action.REPLY: ActionRule(frozenset({Status.SIGNED}), Status.REPLIED, _OFFICERS, needs_assignment=True),
    Action.ASSIST_REPLY: ActionRule(
        frozenset({Status.DISPATCHED, Status.SIGNED}), None, _OFFICERS, needs_assignment=True
    ),
    Action.RETURN: ActionRule(
        frozenset({Status.DISPATCHED, Status.SIGNED}), Status.RETURNED, _OFFICERS, needs_assignment=True
    ),
    Action.ARBITRATE_REDISPATCH: ActionRule(frozenset({Status.RETURNED}), Status.DISPATCHED, _CENTRE),
    Action.ARBITRATE_REJECT: ActionRule(frozenset({Status.RETURNED}), Status.DISPATCHED, _CENTRE),
    Action.REQUEST_EXTENSION: ActionRule(frozenset({Status.SIGNED}), None, _OFFICERS, needs_assignment=True),
    Action.APPROVE_EXTENSION: ActionRule(frozenset({Status.SIGNED}), None, _SUPERVISORS),
    Action.REJECT_EXTENSION: ActionRule(_ALL_STATUSES, None, _SUPERVISORS),
    Action.SUPERVISE: ActionRule(
        frozenset({Status.DISPATCHED, Status.SIGNED, Status.RETURNED, Status.REPLIED}), None, _SUPERVISORS
    ),
    Action.REMIND: ActionRule(frozenset({Status.DISPATCHED, Status.SIGNED}), None, _CENTRE | {SYSTEM}),
    Action.MARK_OVERDUE: ActionRule(
        frozenset({Status.DISPATCHED, Status.SIGNED, Status.RETURNED}), None, frozenset({SYSTEM})
    ),
    Action.CALLBACK: ActionRule(frozenset({Status.REPLIED}), Status.CALLBACK, _OPERATORS),
    Action.REOPEN: ActionRule(frozenset({Status.CALLBACK}), Status.DISPATCHED, _OPERATORS),
    Action.CLOSE: ActionRule(frozenset({Status.CALLBACK}), Status.CLOSED, _OPERATORS),
    # Someone takes an order they are working on (认领) so others pass it by: an operator one awaiting dispatch, an
    # officer of an assigned department one awaiting sign or being handled (``permissions.may_claim_order``).
    Action.CLAIM: ActionRule(frozenset({Status.DRAFT, Status.DISPATCHED, Status.SIGNED}), None, _OPERATORS | _OFFICERS),
}


def rule_for(action: str) -> ActionRule:
    return RULES[action]


@dataclass(frozen=True)
class AssignmentRule:
    """How an action moves a department's assignment: from which of its statuses, to which."""

    from_statuses: frozenset[str]
    to_status: str


_HELD = frozenset({AssignmentStatus.PENDING, AssignmentStatus.SIGNED, AssignmentStatus.REPLIED})
# A new dispatch withdraws whatever the departments held, a return awaiting arbitration included.
_WITHDRAW = AssignmentRule(_HELD | {AssignmentStatus.RETURNED}, AssignmentStatus.WITHDRAWN)

ASSIGNMENT_RULES: dict[str, AssignmentRule] = {
    Action.DISPATCH: _WITHDRAW,
    Action.AUTO_DISPATCH: _WITHDRAW,
    Action.ARBITRATE_REDISPATCH: _WITHDRAW,
    Action.SIGN: AssignmentRule(frozenset({AssignmentStatus.PENDING}), AssignmentStatus.SIGNED),
    Action.ASSIST_SIGN: AssignmentRule(frozenset({AssignmentStatus.PENDING}), AssignmentStatus.SIGNED),
    Action.REPLY: AssignmentRule(frozenset({AssignmentStatus.SIGNED}), AssignmentStatus.REPLIED),
    # An assisting department may give its opinion before or after signing.
    Action.ASSIST_REPLY: AssignmentRule(
        frozenset({AssignmentStatus.PENDING, AssignmentStatus.SIGNED}), AssignmentStatus.REPLIED
    ),
    Action.RETURN: AssignmentRule(
        frozenset({AssignmentStatus.PENDING, AssignmentStatus.SIGNED}), AssignmentStatus.RETURNED
    ),
    # The centre rejects the return: the department holds the order again and must sign it.
    Action.ARBITRATE_REJECT: AssignmentRule(frozenset({AssignmentStatus.RETURNED}), AssignmentStatus.PENDING),
    # The citizen was not satisfied: every department that held the order starts again.
    Action.REOPEN: AssignmentRule(_HELD, AssignmentStatus.PENDING),
}
