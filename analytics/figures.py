"""Plotly figures for the dashboards, as plain JSON-ready dicts. Pure: plain data in, figure out.

The browser draws them with the plotly.js that ships with the plotly package (served from our own static
files, never a CDN) through static/js/dashboard.js: ``Plotly.newPlot(element, data, layout, config)``.
Every point carries the address of the orders behind it in ``customdata``; clicking it goes there.

The dicts follow plotly's figure schema (the tests check them with ``plotly.graph_objects.Figure``); they
are built by hand because plotly's validating graph objects cost milliseconds per figure on every page."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

Figure = dict[str, Any]

# The stylesheet's colours first (accent blue, ok green, warn amber, danger red), then distinct others.
PALETTE = (
    "#1f5fbf", "#1e7b34", "#d08a00", "#c62828", "#6a3fb5", "#0f8a87", "#8c1d5a", "#5b6b82", "#2f9bd6", "#9aa11f",
    "#b5651d", "#3b4657",
)  # fmt: skip
FONT = (
    'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
    '"Noto Sans CJK SC", sans-serif'
)
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
}


# Dates written as numbers (11-25, 2026-11, 2026), never plotly's English month names ("Nov 25").
_DAY_MS = 86_400_000
DATE_TICKS = [
    {"dtickrange": [None, 27 * _DAY_MS], "value": "%m-%d"},
    {"dtickrange": [27 * _DAY_MS, "M12"], "value": "%Y-%m"},
    {"dtickrange": ["M12", None], "value": "%Y"},
]


@dataclass(frozen=True)
class Series:
    """One line or set of bars: a name, a value per x, and where each value's orders are listed."""

    name: str
    values: Sequence[float | int | None]
    links: Sequence[str] = field(default_factory=tuple)


def _layout(title: str, *, height: int, y_title: str = "", percent: bool = False, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 14}},
        "font": {"family": FONT, "size": 12, "color": "#1d2733"},
        "height": height,
        "margin": {"l": 56, "r": 16, "t": 40, "b": 40},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "closest",
        "colorway": list(PALETTE),
        "legend": {"orientation": "h", "y": -0.18, "x": 0},
        "yaxis": {"title": {"text": y_title}, "gridcolor": "#e6e9ef", "rangemode": "tozero", "automargin": True},
        "xaxis": {"gridcolor": "#f0f2f5", "automargin": True},
    }
    if percent:
        layout["yaxis"].update({"ticksuffix": "%", "range": [0, 100.5]})
    layout.update(extra)
    return layout


def _figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> Figure:
    return {"data": data, "layout": layout, "config": CONFIG}


def _links(series: Series, length: int) -> list[str]:
    links = list(series.links)
    return links + [""] * (length - len(links))


def over_time(
    title: str,
    x: Sequence[str],
    series: Sequence[Series],
    *,
    kind: str = "line",
    stacked: bool = False,
    y_title: str = "",
    percent: bool = False,
    height: int = 320,
) -> Figure:
    """Values over time (``x`` as ISO dates): lines, or bars (``stacked`` on top of each other)."""
    data = []
    for one in series:
        trace: dict[str, Any] = {
            "type": "bar" if kind == "bar" else "scatter",
            "name": one.name,
            "x": list(x),
            "y": list(one.values),
            "customdata": _links(one, len(x)),
            "hovertemplate": "%{x}<br>%{fullData.name}: %{y" + (":.1f}%" if percent else ":,}") + "<extra></extra>",
        }
        if kind != "bar":
            trace.update({"mode": "lines+markers" if len(x) <= 62 else "lines", "connectgaps": False})
            trace["line"] = {"width": 2}
        data.append(trace)
    layout = _layout(title, height=height, y_title=y_title, percent=percent, showlegend=len(series) > 1)
    layout["xaxis"].update(type="date", tickformatstops=DATE_TICKS, hoverformat="%Y-%m-%d")
    if kind == "bar":
        layout["barmode"] = "stack" if stacked else "group"
    return _figure(data, layout)


def reports_per_day(name: str, days: Sequence[str], counts: Sequence[int]) -> Figure:
    """One bar a day (``days`` as ISO dates), with whole-number ticks however small the counts."""
    figure = over_time("", days, [Series(name, counts)], kind="bar", height=260)
    figure["layout"]["yaxis"].update(tick0=0, dtick=max(1, math.ceil(max(counts, default=0) / 5)))
    return figure


def bars(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | int | None],
    links: Sequence[str] = (),
    *,
    horizontal: bool = True,
    percent: bool = False,
    x_title: str = "",
    colour: str = PALETTE[0],
    height: int | None = None,
) -> Figure:
    """One bar per label, the first label on top when horizontal."""
    count = len(labels)
    hover = "%{y}: %{x" if horizontal else "%{x}: %{y"
    hover += (":.1f}%" if percent else ":,}") + "<extra></extra>"
    trace: dict[str, Any] = {
        "type": "bar",
        "orientation": "h" if horizontal else "v",
        "x": list(values) if horizontal else list(labels),
        "y": list(labels) if horizontal else list(values),
        "customdata": _links(Series("", values, links), count),
        "marker": {"color": colour},
        "hovertemplate": hover,
    }
    chart_height = height or (max(180, 60 + 24 * count) if horizontal else 320)
    layout = _layout(title, height=chart_height, showlegend=False)
    value_axis = {"title": {"text": x_title}, "gridcolor": "#e6e9ef", "rangemode": "tozero", "automargin": True}
    if percent:
        value_axis.update({"ticksuffix": "%", "range": [0, 100.5]})
    if horizontal:
        layout["xaxis"] = value_axis
        layout["yaxis"] = {"autorange": "reversed", "automargin": True, "type": "category"}
        layout["margin"] = {"l": 8, "r": 16, "t": 40, "b": 32}
    else:
        layout["yaxis"] = value_axis
        layout["xaxis"] = {"automargin": True, "type": "category"}
    return _figure([trace], layout)


def percent(numerator: int, denominator: int) -> float | None:
    """A share as a percentage rounded to one decimal, or None when there is nothing to divide."""
    return round(100 * numerator / denominator, 1) if denominator else None
