"""The vocabularies of the work-order domain. See docs/glossary.md for the Chinese terms."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Awaiting dispatch")
    DISPATCHED = "dispatched", _("Awaiting sign")
    SIGNED = "signed", _("Handling")
    RETURNED = "returned", _("Returned, awaiting arbitration")
    REPLIED = "replied", _("Replied, awaiting callback")
    CALLBACK = "callback", _("Called back, awaiting close")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    MERGED = "merged", _("Merged into another order")


# Statuses in which a department holds the order and its deadlines run.
OPEN_STATUSES = (Status.DISPATCHED, Status.SIGNED, Status.RETURNED)


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    TRIAGE = "triage", _("Analysed")
    EDIT = "edit", _("Edited")
    DISPATCH = "dispatch", _("Dispatched")
    SIGN = "sign", _("Signed")
    ASSIST_SIGN = "assist_sign", _("Signed (assisting)")
    CONTACT = "contact", _("Contacted citizen")
    REPLY = "reply", _("Replied")
    ASSIST_REPLY = "assist_reply", _("Assisting opinion")
    RETURN = "return", _("Returned")
    ARBITRATE_REDISPATCH = "arbitrate_redispatch", _("Return accepted, re-dispatched")
    ARBITRATE_REJECT = "arbitrate_reject", _("Return rejected")
    REQUEST_EXTENSION = "request_extension", _("Extension requested")
    APPROVE_EXTENSION = "approve_extension", _("Extension approved")
    REJECT_EXTENSION = "reject_extension", _("Extension rejected")
    SUPERVISE = "supervise", _("Put under supervision")
    REMIND = "remind", _("Reminder")
    MARK_OVERDUE = "mark_overdue", _("Overdue")
    CALLBACK = "callback", _("Callback recorded")
    REOPEN = "reopen", _("Reopened")
    CLOSE = "close", _("Closed")
    CANCEL = "cancel", _("Cancelled")
    MERGE = "merge", _("Merged into another order")
    UNMERGE = "unmerge", _("Merge undone")
    AUTO_DISPATCH = "auto_dispatch", _("Dispatched automatically")
    CLAIM = "claim", _("Claimed")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web")
    APP = "app", _("App")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")


class RequestType(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report")
    HELP = "help", _("Request for help")
    CONSULT = "consult", _("Consultation")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")


class RiskKind(models.TextChoices):
    """The kinds of life and safety risk the safety step of triage recognises (``triage.safety.KINDS``)."""

    GAS = "gas", _("Gas leak")
    FIRE = "fire", _("Fire")
    FLOOD = "flood", _("Flooding")
    TRAPPED = "trapped", _("People trapped")
    VIOLENCE = "violence", _("Violence or threat")
    SELF_HARM = "self_harm", _("Risk of self-harm or suicide")
    UNRESPONSIVE_OR_MISSING = "unresponsive_or_missing", _("Person unresponsive or missing")
    ROAD_COLLAPSE = "road_collapse", _("Road collapse or open manhole")
    LIVE_WIRE = "live_wire", _("Fallen live wire")
    LOCKED_IN_ALONE = "locked_in_alone", _("Child or elderly person locked in or alone")


class Emotion(models.TextChoices):
    CALM = "calm", _("Calm")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    ANGRY = "angry", _("Angry")
    DISTRESSED = "distressed", _("Distressed")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    ASSIST = "assist", _("Assisting")


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting sign")
    SIGNED = "signed", _("Signed")
    REPLIED = "replied", _("Replied")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Assignments a department still works on or answers for.
ACTIVE_ASSIGNMENT_STATUSES = (AssignmentStatus.PENDING, AssignmentStatus.SIGNED, AssignmentStatus.REPLIED)
# Assignments that make an order visible to the department: active ones, and a return awaiting arbitration.
VISIBLE_ASSIGNMENT_STATUSES = (*ACTIVE_ASSIGNMENT_STATUSES, AssignmentStatus.RETURNED)
# The reason code of a reminder (催办) the citizen asked for by calling again about the order.
CITIZEN_REMINDER = "citizen"
# Actions that start a handling round (办理轮次): the departments get new deadlines, and the event records the
# sign deadline, so the rates of each round can be computed from the log after later rounds have begun.
ROUND_START_ACTIONS = (Action.DISPATCH, Action.AUTO_DISPATCH, Action.ARBITRATE_REDISPATCH, Action.REOPEN)


class ReturnReason(models.TextChoices):
    NOT_OUR_FUNCTION = "not_our_function", _("Not within our functions")
    NOT_OUR_AREA = "not_our_area", _("Not within our area")
    INFO_INCOMPLETE = "info_incomplete", _("Information incomplete")
    DUPLICATE = "duplicate", _("Duplicate order")
    NOT_GOVERNMENT_MATTER = "not_government_matter", _("Not a government matter")
    OTHER = "other", _("Other")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class DeadlineStage(models.TextChoices):
    """Which deadline reminders have been recorded for the current handling cycle."""

    ON_TIME = "on_time", _("On time")
    SIGN_OVERDUE = "sign_overdue", _("Not signed in time")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn (the order was replied or returned first)")


class DepartmentKind(models.TextChoices):
    CITY_OFFICE = "city_office", _("City office")
    FUNCTIONAL_BUREAU = "functional_bureau", _("Functional bureau")
    DISTRICT_OFFICE = "district_office", _("District/county government")
    DISTRICT_BUREAU = "district_bureau", _("District bureau")
    STREET_OFFICE = "street_office", _("Street office / town government")
    PUBLIC_SERVICE = "public_service", _("Public service enterprise")


class AreaKind(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District/county")
    STREET = "street", _("Street/town")
    COMMUNITY = "community", _("Community/village")


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday (day off)")
    WORKDAY = "workday", _("Make-up working day")


class AiField(models.TextChoices):
    """Order fields that triage fills and operators confirm or correct."""

    CATEGORY_LEVEL1 = "category_level1", _("Category (level 1)")
    CATEGORY = "category", _("Category")
    DEPARTMENT = "department", _("Lead department")
    REQUEST_TYPE = "request_type", _("Request type")
    URGENCY = "urgency", _("Urgency")
    AREA = "area", _("Area")
