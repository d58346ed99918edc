"""The template filters of the work-order pages: countdowns, badges and readable history (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from workorders.models import WorkOrder
from workorders.templatetags import workorders_tags as tags

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def chinese() -> None:
    with translation.override("zh-hans"):
        yield


def test_countdown_says_how_long_is_left_in_days_and_hours() -> None:
    assert tags.countdown(NOW + timedelta(days=2, hours=3, minutes=10), NOW) == "剩余2天3小时"
    assert tags.countdown(NOW + timedelta(hours=5, minutes=20), NOW) == "剩余5小时20分钟"
    assert tags.countdown(NOW + timedelta(seconds=20), NOW) == "剩余1分钟"


def test_countdown_says_how_long_a_deadline_has_passed() -> None:
    assert tags.countdown(NOW - timedelta(hours=5), NOW) == "已超期5小时"
    assert tags.countdown(NOW - timedelta(days=3, hours=1), NOW) == "已超期3天1小时"
    assert tags.countdown(NOW - timedelta(days=3, minutes=5), NOW) == "已超期3天"


def test_countdown_is_empty_without_a_deadline() -> None:
    assert tags.countdown(None, NOW) == ""


def test_deadline_class_marks_late_and_soon_deadlines() -> None:
    assert tags.deadline_class(NOW - timedelta(minutes=1), NOW) == "overdue"
    assert tags.deadline_class(NOW + timedelta(hours=3), NOW) == "due-soon"
    assert tags.deadline_class(NOW + timedelta(days=3), NOW) == ""
    assert tags.deadline_class(None, NOW) == ""


def test_overdue_label_tells_a_missed_signature_from_a_missed_resolution() -> None:
    unsigned = WorkOrder(
        status="dispatched", sign_due_at=NOW - timedelta(hours=1), resolve_due_at=NOW + timedelta(days=3)
    )
    late = WorkOrder(status="signed", sign_due_at=NOW - timedelta(days=5), resolve_due_at=NOW - timedelta(hours=1))
    replied = WorkOrder(status="replied", resolve_due_at=NOW - timedelta(days=1))
    assert tags.overdue_label(unsigned, NOW) == "超时未签收"
    assert tags.overdue_label(late, NOW) == "超期"
    assert tags.overdue_label(replied, NOW) == ""


def test_status_badge_has_a_class_per_status() -> None:
    assert tags.status_badge("returned") == "badge badge-returned"
    assert tags.status_badge("nonsense") == "badge"


def test_role_label_names_the_system_for_automatic_actions() -> None:
    assert tags.role_label("operator") == "派单员"
    assert tags.role_label("system") == "系统"
    assert tags.role_label("") == "系统"


def test_readable_changes_use_field_labels_and_choice_labels() -> None:
    rows = tags.readable_changes(
        {
            "request_type": ["complaint", "help"],
            "assisting_departments": ["", ["市生态环境局", "A3区人民政府"]],
            "resolved": ["", True],
            "satisfaction": ["", "basically_satisfied"],
            "title": ["", "路灯不亮"],
        }
    )
    assert rows == [
        {"label": "诉求类型", "old": "投诉", "new": "求助"},
        {"label": "协办单位", "old": "—", "new": "市生态环境局、A3区人民政府"},
        {"label": "是否解决", "old": "—", "new": "是"},
        {"label": "满意度", "old": "—", "new": "基本满意"},
        {"label": "标题", "old": "—", "new": "路灯不亮"},
    ]


def test_reason_code_label_covers_returns_callbacks_and_deadline_reminders() -> None:
    assert tags.reason_code_label("not_our_area") == "不属于本单位辖区"
    assert tags.reason_code_label("dissatisfied") == "不满意"
    assert tags.reason_code_label("sign_overdue") == "超时未签收"
    assert tags.reason_code_label("manual") == ""


def test_percent_shows_a_confidence_as_a_whole_percentage() -> None:
    assert tags.percent(0.873) == "87%"
    assert tags.percent(None) == ""
