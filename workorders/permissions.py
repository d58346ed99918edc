"""Who may see or do what: decided here and nowhere else.

Views, DRF endpoints, services, selectors, the navigation and the templates all ask these predicates and use
these scoped querysets; none spells out a role itself. The roles (``accounts.models.Role``):

- dispatch operators (and administrators) take calls, confirm and dispatch orders, arbitrate returns and call
  citizens back; they read every order with the caller's personal data;
- managers read every order with personal data masked, supervise, decide extensions and acknowledge alerts;
- department officers read and act on the orders assigned to their department or one of its sub-departments
  (any other order is 404 to them) and see the caller's data, because they contact the citizen;
- connected systems submit calls and messages and read every order, masked, through the API.

Which role may take which lifecycle action from which status is the state machine's data
(``workorders.lifecycle.RULES``); ``may_take`` reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Role, User
from workorders.choices import ACTIVE_ASSIGNMENT_STATUSES, VISIBLE_ASSIGNMENT_STATUSES, Action, AssignmentRole, Status
from workorders.disclosure import orders_as_shown
from workorders.lifecycle import RULES, SYSTEM
from workorders.models import Assignment, Department, WorkOrder

_CENTRE = frozenset({Role.OPERATOR, Role.MANAGER, Role.ADMIN})
_STAFF = _CENTRE | {Role.OFFICER}


def _role(user: Any) -> str | None:
    """The role of a signed-in user; None for anyone else (anonymous visitors have no role)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.role


def role_of(user: User | None) -> str:
    """The role an action is recorded under: the user's, or ``system`` for periodic tasks and triage."""
    return user.role if user is not None else SYSTEM


# --- what a role may read -----------------------------------------------------------------------------


def sees_all_orders(user: Any) -> bool:
    """Everyone but officers reads every order; officers only their department subtree's."""
    return _role(user) in _CENTRE | {Role.INTEGRATION}


def is_department_officer(user: Any) -> bool:
    return _role(user) == Role.OFFICER and user.department_id is not None


def sees_personal_data(user: Any) -> bool:
    """Operators talk to the caller and officers contact them; managers and connected systems see the appeal
    with personal data masked and the caller's name and phone shortened."""
    return _role(user) in {Role.OPERATOR, Role.OFFICER, Role.ADMIN}


def may_read_knowledge(user: Any) -> bool:
    """The knowledge base is for the hotline's staff, not for connected systems."""
    return _role(user) in _STAFF


def may_view_dashboards(user: Any) -> bool:
    """The dashboards and hotspots: the centre's roles see the whole centre, officers their subtree."""
    return _role(user) in _STAFF


def sees_centre_figures(user: Any) -> bool:
    """Centre-wide figures (submissions, AI acceptance, every department) are for the centre's roles."""
    return _role(user) in _CENTRE


def may_read_ai_reports(user: Any) -> bool:
    """How often operators accept the AI's fields: a report for the hotline centre."""
    return _role(user) in _CENTRE


# --- what a role may do -------------------------------------------------------------------------------


def may_submit(user: Any) -> bool:
    """Operators enter calls; connected systems (and administrators) submit through the API."""
    return _role(user) in {Role.OPERATOR, Role.ADMIN, Role.INTEGRATION}


def may_enter_calls(user: Any) -> bool:
    """The intake page, where an operator types a call in."""
    return _role(user) in {Role.OPERATOR, Role.ADMIN}


def may_use_desk(user: Any) -> bool:
    """The dispatch desk's queues: operators work them; managers look at them."""
    return _role(user) in _CENTRE


def may_use_inbox(user: Any) -> bool:
    """A department's inbox of assignments."""
    return _role(user) == Role.OFFICER


def may_see_caller_history(user: Any) -> bool:
    """The caller card (the caller's earlier and open orders) at intake and on the order page: for the centre's
    roles, masked as ``sees_personal_data`` says; officers see only their own department's orders."""
    return _role(user) in _CENTRE


def may_claim(user: Any) -> bool:
    """Taking orders off the dispatch desk's queue while working on them (认领), and the queue's "next order"."""
    return _role(user) not in (None, Role.OFFICER) and may_take(user, Action.CLAIM)


def may_claim_order(user: Any, order: WorkOrder) -> bool:
    """Whether opening ``order`` makes it the user's (认领): an operator's, awaiting dispatch; an officer's, awaiting
    sign or being handled by their department subtree as the lead department (the inbox; assisting departments give
    their opinion without taking the order)."""
    if _role(user) is None or not may_take(user, Action.CLAIM) or order.status not in RULES[Action.CLAIM].from_statuses:
        return False
    if _role(user) == Role.OFFICER:
        return order.status != Status.DRAFT and (
            is_department_officer(user)
            and officer_assignments(user, ACTIVE_ASSIGNMENT_STATUSES)
            .filter(order_id=order.pk, role=AssignmentRole.LEAD)
            .exists()
        )
    return order.status == Status.DRAFT


def may_attach_as_reminder(user: Any, order: WorkOrder | None, target: WorkOrder) -> bool:
    """Whether a repeat call (``order``, awaiting dispatch; None: the call being typed in at intake) may be
    attached to the caller's open order ``target`` as the citizen's reminder (催办): the call is merged into it
    and the reminder recorded on it."""
    return (
        _role(user) is not None
        and may_take(user, Action.MERGE)
        and may_take(user, Action.REMIND)
        and (order is None or (order.status in RULES[Action.MERGE].from_statuses and order.pk != target.pk))
        and (order is None or not order.life_at_risk or target.life_at_risk)
        and target.status in RULES[Action.REMIND].from_statuses
    )


def may_acknowledge_hotspot_alerts(user: Any) -> bool:
    return _role(user) in {Role.MANAGER, Role.ADMIN}


def may_change_ai_settings(user: Any) -> bool:
    """Whether confident orders are dispatched without an operator, and at which confidence."""
    return _role(user) == Role.ADMIN


def may_see_llm_health(user: Any) -> bool:
    """The LLM endpoint's health page (breaker, error rate, latency, tokens, budget): for administrators."""
    return _role(user) == Role.ADMIN


def may_administer(user: Any) -> bool:
    """The admin site: departments, taxonomy, catalogue, deadlines, holidays, users, models."""
    return _role(user) == Role.ADMIN


def may_take(user: User | None, action: str) -> bool:
    """Whether the user's role (or the system, for ``None``) may take a lifecycle action at all; the status
    and, for officers, the assignment are checked by ``workorders.services.check_transition``."""
    return role_of(user) in RULES[action].roles


def actions_open_to(user: User | None, status: str) -> list[str]:
    """The lifecycle actions the user's role may start from a status, in declaration order (action menus)."""
    role = role_of(user)
    return [action for action, rule in RULES.items() if role in rule.roles and status in rule.from_statuses]


def may_take_any(user: User | None, actions: Iterable[str]) -> bool:
    return any(may_take(user, action) for action in actions)


def acts_for(user: User | None, assignment: Assignment | None) -> bool:
    """Whether an officer acts for this assignment: it belongs to their department or one below it."""
    department = user.department if user is not None and user.department_id is not None else None
    return (
        assignment is not None
        and department is not None
        and _role(user) == Role.OFFICER
        and assignment.department.path.startswith(department.path)
    )


def home_page(user: Any) -> str:
    """The URL name where each role starts: where its work is. Operators at the dispatch desk, officers at their
    department's inbox, managers at the centre dashboard (its alerts and overdue figures first), administrators
    at the administration site (departments, taxonomy, deadlines, holidays, users), connected systems at the API's
    documentation."""
    role = _role(user)
    if role == Role.OPERATOR:
        return "desk"
    if role == Role.OFFICER:
        return "inbox"
    if role == Role.MANAGER:
        return "dashboard"
    if role == Role.ADMIN:
        return "admin:index"
    if role == Role.INTEGRATION:
        return "api-docs"
    return "order-list"


def require(allowed: bool, message: str) -> None:
    """Refuse the request (403 with ``message``) unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)


# --- scoped querysets ---------------------------------------------------------------------------------


def department_scope_q(department: Department, field: str = "") -> Q:
    """Rows whose ``field`` department is ``department`` or below it."""
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}path__startswith": department.path})


def officer_assignments(user: User, statuses: tuple[str, ...] = VISIBLE_ASSIGNMENT_STATUSES) -> QuerySet[Assignment]:
    """The assignments of the officer's department subtree in ``statuses`` (none for other roles)."""
    if not is_department_officer(user):
        return Assignment.objects.none()
    # the subtree's ids rather than a join on the departments' paths: the planner then knows how many rows match
    subtree = Department.objects.filter(department_scope_q(user.department)).values_list("pk", flat=True)
    return Assignment.objects.filter(department_id__in=list(subtree), status__in=statuses)


def assignments_visible_to(user: User) -> QuerySet[Assignment]:
    """The assignments that make an order visible to an officer: their department subtree's, by id (the
    planner estimates an id list, not a path LIKE)."""
    if not is_department_officer(user):
        return Assignment.objects.none()
    subtree = Department.objects.filter(department_scope_q(user.department)).values_list("pk", flat=True)
    return Assignment.objects.filter(department_id__in=list(subtree), status__in=VISIBLE_ASSIGNMENT_STATUSES)


def orders_visible_to(user: User) -> QuerySet[WorkOrder]:
    """Every order for the centre's roles and connected systems; for an officer, the orders assigned to their
    department subtree; nothing for anyone else. The orders arrive as the user is shown them
    (``workorders.disclosure``): with personal data masked for a role that does not see it, and noted for the
    record of views of personal data for a role that does."""
    orders = orders_as_shown(WorkOrder.objects.all(), user, masked=not sees_personal_data(user))
    if sees_all_orders(user):
        return orders
    if is_department_officer(user):
        return orders.filter(Exists(officer_assignments(user).filter(order=OuterRef("pk"))))
    return orders.none()


def orders_for_the_public() -> QuerySet[WorkOrder]:
    """Every order as anyone, signed in or not, is shown it: the public reads of the Open311 GeoReport endpoint
    (``open311``), as cities publish their service requests. Personal data masked as for a connected system
    (``workorders.disclosure``); what of an order is published at all is chosen by the Open311 documents."""
    return orders_as_shown(WorkOrder.objects.all(), None, masked=True)


def departments_visible_to(user: User) -> QuerySet[Department]:
    """The departments whose figures the user may see: all for the centre, the own subtree for officers."""
    departments = Department.objects.order_by("path")
    if sees_centre_figures(user):
        return departments
    if is_department_officer(user):
        return departments.filter(department_scope_q(user.department))
    return departments.none()


def within_own_department(user: User, department: Department) -> bool:
    """Whether ``department`` is the officer's own department or one below it."""
    return is_department_officer(user) and department.path.startswith(user.department.path)


class UserPermissions:
    """The predicates above for one user, for templates and navigation: ``{% if can.use_desk %}``."""

    def __init__(self, user: Any) -> None:
        self.user = user

    def __getattr__(self, name: str) -> bool:
        predicate = _TEMPLATE_PREDICATES.get(name)
        if predicate is None:
            raise AttributeError(name)
        return predicate(self.user)


_TEMPLATE_PREDICATES = {
    "see_personal_data": sees_personal_data,
    "read_knowledge": may_read_knowledge,
    "view_dashboards": may_view_dashboards,
    "see_centre_figures": sees_centre_figures,
    "read_ai_reports": may_read_ai_reports,
    "enter_calls": may_enter_calls,
    "use_desk": may_use_desk,
    "use_inbox": may_use_inbox,
    "see_caller_history": may_see_caller_history,
    "claim": may_claim,
    "acknowledge_hotspot_alerts": may_acknowledge_hotspot_alerts,
    "change_ai_settings": may_change_ai_settings,
    "administer": may_administer,
}
