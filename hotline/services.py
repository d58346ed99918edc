"""Intake: store what arrived, create the draft order, and analyse it in a task."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from hotline import selectors
from hotline.llm_services import LLM_QUEUED, llm_availability, llm_draft_request
from hotline.models import OrderTextKey, Submission, SubmissionStatus, TriageSettings
from hotline.publish import publish_gathered
from hotline.selectors import duplicate_finder
from triage.duplicates import DUPLICATE_THRESHOLD, Report, index_keys
from triage.normalise import SPEAKER_LABELS, turns_from_json
from triage.normalise import Turn as TranscriptTurn
from triage.pipeline import TriagePipeline, TriageResult
from workorders import permissions
from workorders.choices import Action, Status, Urgency
from workorders.dispatch_catalogue import DepartmentGuess, department_guess
from workorders.errors import Conflict
from workorders.models import Area, Category, Department, WorkOrder
from workorders.services import workorder_apply_triage, workorder_create_draft, workorder_dispatch
from workorders.triage_record import FieldSource, RelatedOrder, TriageRecord

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Turn:
    speaker: str  # "agent" or "caller"
    text: str
    start: float | None = None
    end: float | None = None


@dataclass(frozen=True)
class IntakeRequest:
    """A validated call or message, ready to be stored."""

    channel: str
    sender_id: str
    content: str = ""
    turns: tuple[Turn, ...] = ()
    title: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    address: str = ""
    received_at: datetime | None = None
    raw_body: str = ""
    content_type: str = "application/json"
    payload: dict[str, Any] = field(default_factory=dict)

    def appeal_text(self) -> str:
        """The text the order is about: the message, or the transcript with speaker labels."""
        if self.content:
            return self.content
        return "\n".join(f"{SPEAKER_LABELS.get(turn.speaker, turn.speaker)}：{turn.text}" for turn in self.turns)


@dataclass(frozen=True)
class IntakeOutcome:
    submission: Submission
    created: bool


def submission_receive(*, request: IntakeRequest, by: User | None) -> IntakeOutcome:
    """Store a submission verbatim with its draft order, then queue triage once the rows are committed.

    The same (channel, sender id) again returns the first submission and its order: nothing is created
    twice, also when two identical requests race."""
    return _store(request, by=by, then=queue_triage)


def submission_import(
    *, request: IntakeRequest, by: User | None = None, pipeline: TriagePipeline | None = None
) -> IntakeOutcome:
    """A call or message from the past (a historical import, the demo city): stored verbatim like any intake,
    idempotent by sender id, and analysed at once as of when it was received. Nobody reviews it live, so
    no related orders are looked for, nothing is dispatched automatically and no LLM is asked."""
    outcome = _store(request, by=by, then=None)
    if outcome.created:
        _analyse(
            outcome.submission.pk,
            pipeline=pipeline,
            at=outcome.submission.received_at,
            live=False,
        )
        outcome.submission.refresh_from_db()
    return outcome


def submission_receive_for_order(*, request: IntakeRequest, order: WorkOrder, by: User | None) -> IntakeOutcome:
    """A phone call that was followed live (``calls``) has ended: its whole transcript is stored as a submission
    exactly as ``submission_receive`` would store it, for the draft order the call filled in while it went on
    (not a new one), and analysed like any intake once committed. Idempotent by sender id: a call ended twice
    returns the first submission."""
    existing = _existing(request)
    if existing is not None:
        return IntakeOutcome(existing, created=False)
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                channel=request.channel,
                sender_id=request.sender_id,
                received_at=request.received_at or timezone.now(),
                caller_name=request.caller_name,
                caller_phone=request.caller_phone,
                content_type=request.content_type,
                raw_body=request.raw_body,
                payload=request.payload,
                submitted_by=by,
            )
            # the order was created with the call's first words; it now comes from this submission
            WorkOrder.objects.filter(pk=order.pk, source_submission__isnull=True).update(source_submission=submission)
            transaction.on_commit(lambda: queue_triage(submission.pk))
    except IntegrityError:
        existing = _existing(request)
        if existing is None:
            raise
        return IntakeOutcome(existing, created=False)
    return IntakeOutcome(submission, created=True)


def _store(request: IntakeRequest, *, by: User | None, then: Callable[[int], None] | None) -> IntakeOutcome:
    """The submission exactly as received and its draft order, in one transaction; ``then`` is called with the
    submission's id once they are committed. A sender id already received is found by the unique constraint the
    insert runs into (a retry is rare; a lookup before every insert would cost every call a query)."""
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                channel=request.channel,
                sender_id=request.sender_id,
                received_at=request.received_at or timezone.now(),
                caller_name=request.caller_name,
                caller_phone=request.caller_phone,
                content_type=request.content_type,
                raw_body=request.raw_body,
                payload=request.payload,
                likes=_likes(request.payload),
                submitted_by=by,
            )
            workorder_create_draft(
                appeal=request.appeal_text(),
                channel=request.channel,
                title=request.title,
                caller_name=request.caller_name,
                caller_phone=request.caller_phone,
                address=request.address,
                submission=submission,
                # an operator typing a call in is the order's creator; a connected system's order is the system's
                by=by if by is not None and permissions.may_take(by, Action.CREATE) else None,
                at=submission.received_at,
            )
            if then is not None:
                transaction.on_commit(lambda: then(submission.pk))
    except IntegrityError:
        existing = _existing(request)
        if existing is None:
            raise
        return _same_again(existing, request)
    return IntakeOutcome(submission, created=True)


def _likes(payload: dict[str, Any]) -> int:
    """The public's likes of a web message (a field of the payload), kept in a column of their own: the payload
    is encrypted, and the hotspots weigh the likes."""
    likes = payload.get("likes") if isinstance(payload, dict) else None
    return min(int(likes), 10**9) if str(likes or "").isdigit() else 0


# What a sending system cannot change when it sends a sender id again (a retry repeats them exactly).
_IDENTITY_FIELDS = ("content", "turns", "caller_phone", "caller_name")


def _same_again(existing: Submission, request: IntakeRequest) -> IntakeOutcome:
    """The stored submission when the request repeats it; a different call or message under a sender id already
    used is refused (409), never silently answered with the first one's order."""
    before, now = existing.payload or {}, request.payload or {}
    changed = [name for name in _IDENTITY_FIELDS if (before.get(name) or None) != (now.get(name) or None)]
    if changed:
        raise Conflict(
            _(
                "Sender id %(sender)s was already received (order %(number)s) with a different %(fields)s; "
                "a new call or message needs a new sender id."
            )
            % {
                "sender": request.sender_id,
                "number": existing.order.number if hasattr(existing, "order") else "-",
                "fields": ", ".join(changed),
            },
            field="sender_id",
        )
    return IntakeOutcome(existing, created=False)


def _existing(request: IntakeRequest) -> Submission | None:
    return (
        Submission.objects.select_related("order").filter(channel=request.channel, sender_id=request.sender_id).first()
    )


def queue_triage(submission_id: int) -> None:
    """Hand the submission to the triage task. In-process mode runs it here; with a broker the publication
    goes through the publisher thread (``hotline.publish``), so a hung broker never holds up intake, together with
    the other submissions this process received in the same tenth of a second: one message for them all (a worker
    pays a task's overhead, and looks for a backlog, once for them). If the broker is down the submission stays
    'received' and the periodic sweep queues it again."""
    from hotline.tasks import triage_submission

    if settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            triage_submission.delay(submission_id)
        except Exception:
            logger.exception("could not run triage for submission %s; the sweep will retry", submission_id)
        return
    publish_gathered("triage", submission_id, _send_triage, what=f"triage of submission {submission_id}")


def _send_triage(submission_ids: list[Any]) -> None:
    """One triage message per HOTLINE_TRIAGE_BATCH_SIZE submissions gathered (a single one as ever)."""
    from hotline.tasks import triage_submission, triage_submissions

    size = settings.HOTLINE["TRIAGE_BATCH_SIZE"]
    for start in range(0, len(submission_ids), size):
        chunk = submission_ids[start : start + size]
        if len(chunk) == 1:
            triage_submission.delay(chunk[0])
        else:
            triage_submissions.delay(chunk)


def submission_triage(*, submission_id: int, reference: selectors.TriageReference | None = None) -> bool:
    """Run triage for a submission and fill its order. Idempotent: an analysed submission is skipped.

    Triage fills only what is still blank on a draft (an operator's edits stay), records the department
    the dispatch catalogue proposes and the open orders that look like the same event, and dispatches the
    order at once when the administrator allows it and the confidences reach the thresholds. ``reference``: the
    reference data and triage settings a task read for the calls it analyses together (by default read now).
    Returns True when this call did the work."""
    return _analyse(submission_id, pipeline=None, at=None, live=True, reference=reference)


def submissions_triage_waiting(*, limit: int, exclude: int | None = None) -> int:
    """Analyse up to ``limit`` of the submissions waiting for their first analysis, oldest first: a triage task
    that finds a backlog drains it in batches, so the queue's messages for those find them done. One another worker
    is analysing is skipped, not waited for; one that fails is recorded for a retry and the rest go on. Returns
    how many this call analysed."""
    done = 0
    reference: selectors.TriageReference | None = None
    for submission_id in selectors.submissions_waiting(limit=limit, exclude=exclude):
        try:
            # the reference data and the triage settings checked once for the batch (a second or so), not per call
            reference = reference or selectors.current_reference()
            done += _analyse(submission_id, pipeline=None, at=None, live=True, skip_locked=True, reference=reference)
        except Exception as exc:
            submission_record_failure(submission_id=submission_id, error=exc)
    return done


_ANALYSIS_READS = (
    "status",
    "received_at",
    "payload",
    "attempts",
    "last_error",
    "next_attempt_at",
    "triaged_at",
    "order__status",
    "order__title",
    "order__appeal",
    "order__area",
    "order__created_at",
    "order__caller_phone_hash",
    "order__source_submission",
)


def _analyse(
    submission_id: int,
    *,
    pipeline: TriagePipeline | None,
    at: datetime | None,
    live: bool,
    skip_locked: bool = False,
    reference: selectors.TriageReference | None = None,
) -> bool:
    """Triage one submission's order. ``live``: a call being handled now, so related orders are looked for,
    a confident order may be dispatched automatically and the LLM may draft it. ``skip_locked``: a submission
    another transaction is analysing is left to it. ``reference``: the reference data a batch read (by default
    read now)."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",), skip_locked=skip_locked)
            .select_related("order")
            # what the analysis reads before it locks the order itself (a submission found analysed already, most
            # of a backlog's messages, then costs little): not the encrypted caller and raw body, nor the order's
            # triage record
            .only(*_ANALYSIS_READS)
            .filter(pk=submission_id)
            .first()
        )
        if submission is None:
            if skip_locked:
                return False
            raise Submission.DoesNotExist(f"submission {submission_id}")
        if submission.status == SubmissionStatus.TRIAGED:
            return False
        order = submission.order
        if pipeline is not None:
            reference = None
        elif reference is None:
            reference = selectors.current_reference()
        result = (pipeline or reference.pipeline).run(  # type: ignore[union-attr]
            order.appeal, turns=turns_of(submission.payload), title_hint=order.title
        )
        category = _row(Category, result.category.value, reference.categories if reference else None)
        area = _row(Area, result.area.value, reference.areas if reference else None)
        department = department_guess(
            result,
            category=category,
            area=area,
            categories=reference.categories if reference else None,
            rules=reference.dispatch_rules if reference else None,
        )
        # the title the order will carry (triage fills a blank one): the same text as when it is a candidate later
        title = order.title or result.title
        emergency = result.urgency.value == Urgency.EMERGENCY
        related = (
            related_orders(order, text=result.masked_appeal, area=area, title=title, emergency=emergency)
            if live
            else ()
        )
        llm = llm_availability() if live else None
        order = workorder_apply_triage(
            order=order,
            fields={
                "appeal_masked": result.masked_appeal,
                "title": result.title,
                "summary": result.summary,
                "request_type": result.request_type.value,
                "urgency": result.urgency.value,
                "emotion": result.emotion.value,
                "is_priority": result.priority,
                "category": category,
                "area": area,
                "address": result.address,
            },
            record=TriageRecord.from_result(
                result,
                department=department.guess,
                related=related,
                sources=classical_sources(result),
                llm=llm if llm is not None and llm.status != LLM_QUEUED else None,
            ),
            at=at,
        )
        order_text_keys_record(order=order, now=None if live else timezone.now())
        if live:
            auto_dispatch_if_confident(
                order=order, result=result, department=department, policy=reference.policy if reference else None
            )
        if order.status == Status.DRAFT and llm is not None and llm.status == LLM_QUEUED:
            llm_draft_request(order)  # recorded as pending on the order now, queued once this commits
        submission.status = SubmissionStatus.TRIAGED
        submission.triaged_at = at or timezone.now()
        submission.attempts += 1
        submission.last_error = ""
        submission.next_attempt_at = None
        submission.save(update_fields=["status", "triaged_at", "attempts", "last_error", "next_attempt_at"])
        return True


def _row(model: type[Category] | type[Area], pk: int | None, cached: Mapping[int, Any] | None) -> Any:
    """The category or area triage named, from the rows the pipeline was built with (no query), else read."""
    if not pk:
        return None
    if cached is not None and pk in cached:
        return cached[pk]
    return model.objects.filter(pk=pk).first()


def classical_sources(result: TriageResult) -> dict[str, FieldSource]:
    """Where each field triage filled came from, for the order page (an LLM draft may replace some)."""
    versions = result.versions
    summary = FieldSource("extractive", versions["pipeline"])
    rules = FieldSource("rules", versions["rules"])
    return {
        "title": summary,
        "summary": summary,
        "request_type": rules,
        "urgency": rules,
        "emotion": rules,
        "category": FieldSource("classifier", f"{versions['level1']} + {versions['category']}"),
        "department": FieldSource("dispatch catalogue"),
        "area": FieldSource("gazetteer"),
    }


def turns_of(payload: dict[str, Any]) -> list[TranscriptTurn] | None:
    """The speaker-labelled turns of a submitted transcript, if it came as turns."""
    turns = payload.get("turns") if isinstance(payload, dict) else None
    if not isinstance(turns, list):
        return None
    return turns_from_json(turns)


def related_orders(
    order: WorkOrder, *, text: str, area: Area | None, title: str | None = None, emergency: bool = False
) -> tuple[RelatedOrder, ...]:
    """Open orders that look like reports of the same event, best first, for the operator to merge. ``text`` is
    the masked appeal and ``title`` the title the order will carry (its own by default); read as the order will
    be read when it is a candidate for later calls, so this process scores it then from its cache. ``emergency``:
    triage found a life or safety at risk, so a non-emergency is never the same event on shared places alone.
    (The order page reads them again when it is shown: ``selectors.related_rows``.)"""
    area_ids = tuple(area.ancestors_and_self_ids()) if area else ()
    new = Report(
        id=order.pk,
        text=f"{order.title if title is None else title}\n{text}",
        received_at=order.created_at,
        area_ids=area_ids,
        caller=order.caller_phone_hash,  # the phone's keyed hash, as the candidates carry it
        emergency=emergency,
    )
    if area is not None:
        order.area = area  # narrow the candidates to the district just found
    numbered = selectors.related_candidates_numbered(order, keys=_index_keys(new.text))
    matches = duplicate_finder().matches(new, [report for report, _number in numbered], limit=5)
    numbers = {report.id: number for report, number in numbered}
    return tuple(
        RelatedOrder(
            id=m.id,
            number=numbers.get(m.id, ""),
            score=round(m.score, 3),
            duplicate=m.score >= DUPLICATE_THRESHOLD,
            same_caller=m.same_caller,
            shared_terms=tuple(m.shared_terms),
            reasons=tuple(m.reasons),
        )
        for m in matches
    )


def order_text_keys_record(*, order: WorkOrder, now: datetime | None = None) -> int:
    """Index the rare terms of an analysed order's title and masked text, so later calls about the same event find
    it (``selectors.related_candidates``). An order older than the related-order window (``now`` given: an
    import of the past) is never a candidate and is not indexed. Returns the keys written."""
    if now is not None and order.created_at < now - selectors.RELATED_WINDOW:
        return 0
    keys = _index_keys(f"{order.title}\n{order.text_for_models}")
    if connection.vendor == "postgresql":
        # one statement instead of a delete and an insert built object by object (about 60 keys per order)
        table = connection.ops.quote_name(OrderTextKey._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH gone AS (DELETE FROM {table} WHERE order_id = %s)"
                f" INSERT INTO {table} (order_id, key, weight, created_at)"
                f" SELECT %s, k, w, %s FROM unnest(%s::bigint[], %s::double precision[]) AS t(k, w)",
                [order.pk, order.pk, order.created_at, list(keys), list(keys.values())],
            )
        return len(keys)
    OrderTextKey.objects.filter(order=order).delete()
    OrderTextKey.objects.bulk_create(
        OrderTextKey(order=order, key=key, weight=weight, created_at=order.created_at) for key, weight in keys.items()
    )
    return len(keys)


@lru_cache(maxsize=64)
def _index_keys(text: str) -> dict[int, float]:
    """``index_keys`` with this process's weights, kept for the last texts: triage reads an order's keys to find
    its candidates, then writes the same keys to the index (callers never change the dict)."""
    return index_keys(text, duplicate_finder().weights)


def order_text_keys_prune(*, now: datetime | None = None) -> int:
    """Delete the keys of orders older than the related-order window: they are never candidates again."""
    cutoff = (now or timezone.now()) - selectors.RELATED_WINDOW
    deleted, _by_model = OrderTextKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def auto_dispatch_if_confident(
    *, order: WorkOrder, result: TriageResult, department: DepartmentGuess, policy: TriageSettings | None = None
) -> bool:
    """Dispatch without an operator when the administrator allows it and both confidences reach their
    thresholds. The level-1 confidence stands for the category (it is the calibrated one). ``policy``: the
    settings as the analysis read them with its reference data (by default read now)."""
    policy = policy or TriageSettings.current()
    if not policy.auto_dispatch or order.status != Status.DRAFT or order.category_id is None:
        return False
    lead_id = department.guess.value
    if lead_id is None:
        return False
    if result.level1.confidence < policy.min_category_confidence:
        return False
    if department.guess.confidence < policy.min_department_confidence:
        return False
    lead = Department.objects.get(pk=lead_id)
    assisting = list(Department.objects.filter(pk__in=department.assisting.get(lead_id, []), is_active=True))
    workorder_dispatch(
        order=order,
        by=None,
        lead_department=lead,
        assisting_departments=assisting,
        note=_("Dispatched automatically: category confidence %(category).2f, department confidence %(department).2f")
        % {"category": result.level1.confidence, "department": department.guess.confidence},
    )
    return True


def retry_delay_seconds(attempts: int) -> int:
    """Exponential backoff between triage attempts: 30 s, 60 s, 2 min … (by default) capped at one hour."""
    return min(3600, settings.HOTLINE["TRIAGE_RETRY_BASE_SECONDS"] * 2 ** max(0, attempts - 1))


def submission_record_failure(*, submission_id: int, error: BaseException) -> Submission:
    """Count a failed triage attempt and schedule the next one; the submission is never dropped."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission_id)
        submission.attempts += 1
        submission.status = SubmissionStatus.FAILED
        submission.last_error = f"{type(error).__name__}: {error}"[:2000]
        submission.next_attempt_at = timezone.now() + timedelta(seconds=retry_delay_seconds(submission.attempts))
        submission.save(update_fields=["attempts", "status", "last_error", "next_attempt_at"])
    logger.warning("triage of submission %s failed (attempt %s): %s", submission_id, submission.attempts, error)
    return submission


def submissions_requeue_stalled(*, now: datetime | None = None) -> int:
    """Queue again every submission whose analysis was lost or failed and is due for another try.

    With a broker, a submission merely waiting behind a backlog is not queued a second time: the waiting ones are
    re-queued only when the broker's triage queue is empty (the messages that would have reached them are gone),
    and the next triage task takes the oldest waiting ones first anyway. A broker that does not answer leaves
    them for the next sweep."""
    broker_idle = True
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        depth = selectors.broker_queue_depth(settings.CELERY_QUEUES_BY_PURPOSE["triage"])
        if depth is None:
            return 0
        broker_idle = depth == 0
    due = selectors.submissions_due_for_triage(now or timezone.now(), broker_idle=broker_idle)
    due_ids = list(due.order_by("received_at").values_list("pk", flat=True)[:500])
    for submission_id in due_ids:
        queue_triage(submission_id)
    return len(due_ids)


def triage_backlog_warn() -> selectors.TriageBacklog:
    """Log a warning when the oldest submission waiting for analysis has waited past HOTLINE_TRIAGE_ALERT_SECONDS
    (the same alert /health/, /metrics and the centre's dashboard show)."""
    backlog = selectors.triage_backlog()
    if backlog.alert:
        logger.warning(
            "triage is behind: %s submissions waiting, the oldest for %.0f s (alert after %s s); queues %s",
            backlog.waiting,
            backlog.oldest_age_seconds,
            backlog.alert_seconds,
            backlog.queues,
        )
    return backlog


def submission_retry_now(*, submission: Submission) -> None:
    """An administrator's 'try again' for a submission that used up its attempts."""
    Submission.objects.filter(pk=submission.pk).update(attempts=0, next_attempt_at=None)
    queue_triage(submission.pk)


def triage_settings_update(*, settings: TriageSettings, by: User) -> TriageSettings:
    """Save the administrator's AI settings (who changed them is kept)."""
    settings.pk = 1
    settings.updated_by = by
    settings.save()
    logger.info(
        "AI settings changed by %s: auto-dispatch %s, category ≥ %.2f, department ≥ %.2f",
        by,
        settings.auto_dispatch,
        settings.min_category_confidence,
        settings.min_department_confidence,
    )
    return settings
