"""Handling rounds (办理轮次) read from the append-only event log: the one definition of the response rate's
cohort and of the callbacks' credit. The rollups count these rows per day; the drill-down lists them; both
run the SQL written here, so a number and its list always agree.

A round starts with an event in ``ROUND_START_ACTIONS`` (dispatch, automatic dispatch, re-dispatch after a
return, reopen after a dissatisfied callback), which records the round's sign deadline, and lasts until the
next such event of the same order. A round is for the assignments the order held when it started: those made
by the latest dispatch at or before the start (a reopen sends the order back to the same assignments).
Assignments are never deleted and their department, role and moment never change, so which ones an order held
at a moment is as fixed as the events; their status and signing columns, which a reopen clears, are not read.

- **Sign cohort**: each (round, assignment) whose sign deadline falls in the period, once the department has
  signed in the round or the deadline has passed with the round still running; on time when its first
  signature (SIGN or ASSIST_SIGN event) in the round came by the deadline. A round that ended before its
  deadline (re-dispatched) with no signature does not count: the department was no longer due to sign.
- **Credited callbacks**: each CALLBACK event (satisfaction in ``reason_code``, the ``resolved`` flag),
  credited to the lead department the order had at that moment.

Nothing that happens after a round's deadline changes whether or how the round counts, and a callback's
credit is fixed when it is recorded: a later reopen or re-dispatch never rewrites a past day."""

from __future__ import annotations

from collections.abc import Sequence

from analytics.dashboards.sql import DayRange, Sql, ids_in, quoted, stamp, within
from workorders.choices import ROUND_START_ACTIONS, Action, AssignmentRole, Satisfaction
from workorders.models import Assignment, WorkOrderEvent

T_EVENT = WorkOrderEvent._meta.db_table
T_ASSIGNMENT = Assignment._meta.db_table
STARTS = quoted(ROUND_START_ACTIONS)
SIGNATURES = quoted([Action.SIGN, Action.ASSIST_SIGN])
REPLIES = quoted([Action.REPLY, Action.ASSIST_REPLY])
SATISFIED = quoted([Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED])

# Columns of ``sign_cohort`` and ``credited_callbacks``, in order.
COHORT_COLUMNS = ("round_id", "order_id", "assignment_id", "department_id", "sign_due_at", "signed_at")
CALLBACK_COLUMNS = ("event_id", "order_id", "department_id", "created_at", "satisfied", "resolved")


def _lead_at(assignment: str, moment: str) -> str:
    """``assignment`` is the order's lead assignment at ``moment``: the latest lead assignment made by then
    (no lead assignment of the order was made after it and by then)."""
    return (
        f"{assignment}.role = '{AssignmentRole.LEAD.value}' AND {assignment}.assigned_at <= {moment} "
        f"AND NOT EXISTS (SELECT 1 FROM {T_ASSIGNMENT} b WHERE b.order_id = {assignment}.order_id "
        f"AND b.role = '{AssignmentRole.LEAD.value}' AND b.assigned_at > {assignment}.assigned_at "
        f"AND b.assigned_at <= {moment})"
    )


def sign_cohort(
    ranges: Sequence[DayRange],
    *,
    now: object,
    departments: Sequence[int] | None = None,
    orders: Sql | None = None,
    whole_history: bool = False,
) -> Sql:
    """The response rate's rows (``COHORT_COLUMNS``) for rounds whose sign deadline falls on the days of
    ``ranges``, as of ``now``: for every department, or those in ``departments``; for every order, or those
    ``orders`` (a query of order ids) selects. ``signed_at`` is the first signature in the round, or NULL.
    ``whole_history``: the ranges cover every day with orders (a rebuild).

    Set-based, for a million orders: one pass over the round starts (sorted once for both window functions),
    then joins to the assignments and the signatures. A round's assignments are those made from the latest
    dispatch at or before its start up to the start: the dispatch services make the assignments and write
    the dispatch event at one moment. (An anti-join, "made at or before the start, none made later", says the
    same without the dispatch event; at a million orders it took half as long again.)"""
    due = within(ranges, "sign_due_at")
    if whole_history:
        # Every round: no narrowing to the orders with one due in the period, whose estimate (a fraction of
        # the rounds) leads PostgreSQL to fetch each round's signatures by index, a million times over.
        narrowed, due_in_period = Sql(""), Sql("1 = 1")
    else:
        narrowed = Sql(f" AND order_id IN (SELECT order_id FROM {T_EVENT} WHERE action IN ({STARTS}) AND ") + due + ")"
        due_in_period = within(ranges, "r.sign_due_at")
    if orders is not None:
        narrowed = narrowed + Sql(" AND order_id IN (") + orders + ")"
    # The round starts of those orders, each with the moment the next round began (NULL: still running) and
    # that of the latest dispatch at or before it, whose assignments the round is for.
    starts = (
        Sql(
            "SELECT id, order_id, created_at, sign_due_at, "
            "LEAD(created_at) OVER (PARTITION BY order_id ORDER BY created_at, id) AS ended_at, "
            f"MAX(CASE WHEN action <> '{Action.REOPEN.value}' THEN created_at END) OVER "
            "(PARTITION BY order_id ORDER BY created_at, id ROWS UNBOUNDED PRECEDING) AS dispatched_at "
            f"FROM {T_EVENT} WHERE action IN ({STARTS})"
        )
        + narrowed
    )
    cohort = (
        Sql(
            "SELECT r.id AS round_id, r.order_id, a.id AS assignment_id, a.department_id, r.sign_due_at, "
            "r.ended_at, MIN(s.created_at) AS signed_at FROM ("
        )
        + starts
        + f") r JOIN {T_ASSIGNMENT} a ON a.order_id = r.order_id "
        "AND a.assigned_at >= r.dispatched_at AND a.assigned_at <= r.created_at "
        # The department's signatures within the round; the first one counts.
        f"LEFT JOIN {T_EVENT} s ON s.order_id = r.order_id AND s.department_id = a.department_id "
        f"AND s.action IN ({SIGNATURES}) AND s.created_at >= r.created_at "
        "AND (r.ended_at IS NULL OR s.created_at < r.ended_at) WHERE "
        + due_in_period
        + (Sql(" AND ") + ids_in("a.department_id", departments) if departments is not None else "")
        + " GROUP BY r.id, r.order_id, a.id, a.department_id, r.sign_due_at, r.ended_at"
    )
    # Signed in the round, or the deadline passed while the round still ran.
    return (
        Sql(f"SELECT {', '.join(COHORT_COLUMNS)} FROM (")
        + cohort
        + Sql(
            ") k WHERE (signed_at IS NOT NULL OR (sign_due_at < %s AND (ended_at IS NULL OR ended_at > sign_due_at)))",
            [stamp(now)],
        )
        + (Sql(" AND ") + due if whole_history else "")
    )


def credited_callbacks(
    ranges: Sequence[DayRange], *, departments: Sequence[int] | None = None, orders: Sql | None = None
) -> Sql:
    """Callbacks recorded on the days of ``ranges`` (``CALLBACK_COLUMNS``), each with the lead department the
    order had when it was recorded; ``satisfied`` and ``resolved`` are 1 or 0."""
    return (
        Sql(
            f"SELECT c.id AS event_id, c.order_id, a.department_id, c.created_at, "
            f"CASE WHEN c.reason_code IN ({SATISFIED}) THEN 1 ELSE 0 END AS satisfied, "
            "CASE WHEN c.resolved THEN 1 ELSE 0 END AS resolved "
            f"FROM {T_EVENT} c JOIN {T_ASSIGNMENT} a ON a.order_id = c.order_id "
            f"WHERE c.action = '{Action.CALLBACK.value}' AND {_lead_at('a', 'c.created_at')} AND "
        )
        + within(ranges, "c.created_at")
        + (Sql(" AND ") + ids_in("a.department_id", departments) if departments is not None else "")
        + (Sql(" AND c.order_id IN (") + orders + ")" if orders is not None else "")
    )
