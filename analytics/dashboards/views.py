"""Dashboard pages: the centre's and a department's, their tables as CSV and Excel, and the drill-down lists
of the rows behind a number. Views parse the filters, check the scope and hand over to
analytics.dashboards.builder (assembly) and analytics.dashboards.drill (the rows behind a number); they change
nothing."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import User
from analytics.dashboards.builder import FORMATS, DashboardBuilder
from analytics.dashboards.drill import CENTRE_KINDS, Drill, drill_records, drill_row
from analytics.dashboards.exports import table_csv, table_xlsx
from analytics.dashboards.forms import DEFAULT_DAYS, DashboardFilterForm, DrillForm
from analytics.dashboards.rollup_reads import last_refresh
from analytics.hotspots.selectors import hotspot_panel
from hotline.selectors import triage_backlog
from workorders import disclosure, permissions
from workorders.choices import AiField, Channel
from workorders.models import Department

DRILL_ROWS_PER_PAGE = 50


def _require_dashboards(user: User) -> None:
    if not permissions.may_view_dashboards(user):
        raise PermissionDenied(_("The dashboards are for the hotline's staff."))


def _require_centre(user: User) -> None:
    if not permissions.sees_centre_figures(user):
        raise PermissionDenied(
            _("The centre's figures are for the centre's staff; your dashboard is your department's.")
        )


def _viewable_department(user: User, pk: int) -> Department:
    """The department whose dashboard is asked for: 404 when there is none, 403 when it is not the user's."""
    department = permissions.departments_visible_to(user).filter(pk=pk).first()
    if department is not None:
        return department
    if Department.objects.filter(pk=pk).exists():
        raise PermissionDenied(_("You may open your own department's dashboard only."))
    raise Http404


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect; for an htmx request a full navigation, since the whole page changes."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _with_query(url: str, params: QueryDict) -> str:
    query = params.urlencode()
    return f"{url}?{query}" if query else url


def _form(request: HttpRequest, department: Department | None) -> DashboardFilterForm:
    """The filter form bound to the request, showing the default period and the page's own department."""
    today = timezone.localdate()
    data = request.GET.copy()
    if not data.get("date_to"):
        data["date_to"] = today.isoformat()
    if not data.get("date_from"):
        try:
            last = date.fromisoformat(data["date_to"])
        except ValueError:
            last = today
        data["date_from"] = (last - timedelta(days=DEFAULT_DAYS - 1)).isoformat()
    data["department"] = str(department.pk) if department else ""
    return DashboardFilterForm(
        data,
        departments=permissions.departments_visible_to(request.user),
        today=today,
        centre=permissions.sees_centre_figures(request.user),
    )


def _requested_department(request: HttpRequest) -> str | None:
    """The department picked in the filter form (its id, or "" for the whole centre), when one was sent."""
    if "department" not in request.GET:
        return None
    return request.GET["department"].strip()


def _other_page(request: HttpRequest, current: Department | None) -> HttpResponse | None:
    """When the form asks for another scope than the page shows, go to that scope's page (same filters)."""
    requested = _requested_department(request)
    current_id = str(current.pk) if current else ""
    if requested is None or requested == current_id:
        return None
    params = request.GET.copy()
    params.pop("department", None)
    if requested == "":
        if not permissions.sees_centre_figures(request.user):
            return None
        return _go(request, _with_query(reverse("dashboard"), params))
    if not requested.isdigit() or not permissions.departments_visible_to(request.user).filter(pk=requested).exists():
        return None  # the form shows the error
    return _go(request, _with_query(reverse("dashboard-department", args=[int(requested)]), params))


def _render(request: HttpRequest, department: Department | None) -> HttpResponse:
    form = _form(request, department)
    filters = form.filters(department=department)
    builder = DashboardBuilder(
        user=request.user,
        filters=filters,
        now=timezone.now(),
        split=request.GET.get("split", ""),
        rank_by=request.GET.get("rank", ""),
    )
    context = {
        "form": form,
        "department": department,
        "breadcrumbs": _breadcrumbs(request.user, department, builder),
        "refresh": last_refresh(),
        **builder.page(),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "analytics/_dashboard_body.html", context)
    context["hotspot_panel"] = hotspot_panel(request.user)
    if department is None:  # the centre's page: is the analysis of incoming calls keeping up?
        context["triage_backlog"] = triage_backlog()
    return render(request, "analytics/dashboard.html", context)


def _breadcrumbs(user: User, department: Department | None, builder: DashboardBuilder) -> list[tuple[str, str]]:
    """The centre and the department's parents the user may open, each with the same filters."""
    if department is None:
        return []
    crumbs = []
    if permissions.sees_centre_figures(user):
        crumbs.append((_("Whole centre"), builder.links.dashboard(None)))
    parent_ids = department.ancestors_and_self_ids()[:-1]
    for parent in permissions.departments_visible_to(user).filter(pk__in=parent_ids):
        crumbs.append((parent.name, builder.links.dashboard(parent)))
    return crumbs


@login_required
def centre_dashboard(request: HttpRequest) -> HttpResponse:
    """The whole centre; an officer is taken to their department's dashboard."""
    _require_dashboards(request.user)
    if not permissions.sees_centre_figures(request.user):
        if request.user.department_id is None:
            raise PermissionDenied(_("Your account belongs to no department; ask an administrator."))
        params = request.GET.copy()
        requested = params.pop("department", [""])[-1]
        allowed = permissions.departments_visible_to(request.user)
        target = int(requested) if requested.isdigit() and allowed.filter(pk=requested).exists() else None
        return _go(
            request, _with_query(reverse("dashboard-department", args=[target or request.user.department_id]), params)
        )
    return _other_page(request, None) or _render(request, None)


@login_required
def department_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """One department with its sub-departments: for managers any, for officers their own."""
    _require_dashboards(request.user)
    department = _viewable_department(request.user, pk)
    return _other_page(request, department) or _render(request, department)


def _export(request: HttpRequest, department: Department | None, key: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    form = _form(request, department)
    builder = DashboardBuilder(
        user=request.user,
        filters=form.filters(department=department),
        now=timezone.now(),
        split=request.GET.get("split", ""),
        rank_by=request.GET.get("rank", ""),
    )
    if key not in builder.table_keys:
        raise Http404
    table = builder.table(key)
    scope = f"department-{department.pk}" if department else "centre"
    name = f"{scope}-{key}-{builder.filters.first:%Y%m%d}-{builder.filters.last:%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            table_xlsx(table, subtitle=builder.describe()),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def centre_export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    _require_dashboards(request.user)
    _require_centre(request.user)
    return _export(request, None, key, fmt)


@login_required
def department_export(request: HttpRequest, pk: int, key: str, fmt: str) -> HttpResponse:
    _require_dashboards(request.user)
    return _export(request, _viewable_department(request.user, pk), key, fmt)


DRILL_TITLES = {
    "created": lambda: _("Orders created"),
    "due_soon": lambda: _("Orders due soon"),
    "submitted": lambda: _("Submissions received"),
    "dispatched": lambda: _("Assignments received"),
    "sign_due": lambda: _("Assignments due to be signed"),
    "signed_on_time": lambda: _("Assignments signed in time"),
    "sign_late": lambda: _("Assignments signed late or not at all"),
    "signed": lambda: _("Assignments signed"),
    "replied": lambda: _("Assignments replied"),
    "callbacks": lambda: _("Callbacks"),
    "resolved": lambda: _("Callbacks: resolved"),
    "satisfied": lambda: _("Callbacks: satisfied or basically satisfied"),
    "returned": lambda: _("Returns"),
    "ai_reviewed": lambda: _("AI proposals reviewed"),
    "ai_accepted": lambda: _("AI proposals accepted"),
    "ai_corrected": lambda: _("AI proposals corrected"),
}
DRILL_MOMENTS = {
    "created": lambda: _("Created"),
    "due_soon": lambda: _("Resolve by"),
    "submitted": lambda: _("Received"),
    "dispatched": lambda: _("Assigned"),
    "sign_due": lambda: _("Sign by"),
    "signed_on_time": lambda: _("Sign by"),
    "sign_late": lambda: _("Sign by"),
    "signed": lambda: _("Signed"),
    "replied": lambda: _("Replied"),
    "returned": lambda: _("Returned"),
}


@login_required
def drill(request: HttpRequest) -> HttpResponse:
    """The rows one dashboard number counts, live, with a link to each order."""
    user = request.user
    _require_dashboards(user)
    form = DrillForm(request.GET)
    if not form.is_valid():
        return render(request, "analytics/drill.html", {"form": form}, status=400)
    chosen = form.drill()
    if chosen.department is None or chosen.kind in CENTRE_KINDS:
        _require_centre(user)
    else:
        _viewable_department(user, chosen.department.pk)
    now = timezone.now()
    records = drill_records(user, chosen, now=now)
    page = Paginator(records, DRILL_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [drill_row(chosen.kind, record) for record in page.object_list]
    # the rows' orders come with submissions, assignments and events: shown as the user's role is shown orders
    disclosure.shown_orders([row.order for row in rows], user, masked=not permissions.sees_personal_data(user))
    context = {
        "form": form,
        "drill": chosen,
        "title": DRILL_TITLES[chosen.kind](),
        "moment_label": DRILL_MOMENTS.get(chosen.kind, lambda: _("At"))(),
        "page": page,
        "rows": rows,
        "refresh": last_refresh(),
        "back": _back_link(chosen),
        "now": now,
        "channel_label": Channel(chosen.channel).label if chosen.channel else "",
        "field_label": AiField(chosen.field).label if chosen.field else "",
    }
    return render(request, "analytics/drill.html", context)


def _back_link(chosen: Drill) -> str:
    params = QueryDict(mutable=True)
    params.update({"date_from": chosen.first.isoformat(), "date_to": chosen.last.isoformat()})
    if chosen.department is None:
        return _with_query(reverse("dashboard"), params)
    return _with_query(reverse("dashboard-department", args=[chosen.department.pk]), params)
