"""Monthly topics (每月一题): a problem that was a hotspot month after month at the same place is a candidate;
the same name in another district, or a chain of small likenesses, is not one problem."""

from __future__ import annotations

from dataclasses import replace

from analytics.hotspots.detection import detect_hotspots
from analytics.hotspots.monthly import monthly_candidates
from analytics.hotspots.types import DetectedHotspot, HotspotItem
from tests.analytics.hotspots.reports import END, month_window, only, plant_reports


def month_hotspot(
    member: int, *, district: int | None = 10, place: str = "翠湖家园", problem: str = "搅拌站噪音", terms=(), heat=60.0
) -> DetectedHotspot:
    """One month's hotspot of the mixing plant (as detected), moved to another place, problem or district."""
    base = only(detect_hotspots(plant_reports(), window_end=END))
    return replace(
        base,
        member_ids=(member,),
        district_id=district,
        place=place,
        problem=problem,
        terms=tuple(terms) or base.terms,
        heat=heat,
        label=f"{place} {problem}",
    )


def test_the_same_place_and_problem_in_another_district_is_another_monthly_topic() -> None:
    """人民路 in two districts is two roads: one month each is no recurring problem."""
    months = {
        "2024-05": [month_hotspot(1, district=10, place="人民路")],
        "2024-06": [month_hotspot(2, district=20, place="人民路")],
    }
    assert monthly_candidates(months) == []

    months["2024-06"].append(month_hotspot(3, district=10, place="人民路"))
    [candidate] = monthly_candidates(months)
    assert candidate.months == ("2024-05", "2024-06")
    assert {h.member_ids for h in candidate.hotspots} == {(1,), (3,)}


def test_unrelated_problems_are_not_chained_into_one_monthly_topic() -> None:
    """Unnamed places in one area: a shares a term with b, b one with c, a none with c."""
    a = month_hotspot(1, place="", problem="搅拌站噪音", terms=("搅拌站", "噪音", "夜间"), heat=90.0)
    b = month_hotspot(2, place="", problem="夜间施工", terms=("夜间", "施工", "渣土"), heat=70.0)
    c = month_hotspot(3, place="", problem="渣土车", terms=("渣土", "车辆", "撒漏"), heat=50.0)

    candidates = monthly_candidates({"2024-05": [a, c], "2024-06": [b]})

    [together] = [candidate for candidate in candidates if len(candidate.months) == 2]
    assert {h.member_ids for h in together.hotspots} == {(1,), (2,)}  # b is like a; c is not
    assert all(
        (3,) not in {h.member_ids for h in candidate.hotspots} for candidate in candidates if len(candidate.months) == 2
    )


def test_a_problem_recurring_over_months_is_a_monthly_candidate(
    teddy: tuple[list[HotspotItem], dict[int, str]],
) -> None:
    items, _ = teddy
    by_month = {
        f"{year}-{month:02d}": month_window(items, year, month)
        for year, month in ((2019, 10), (2019, 11), (2019, 12), (2020, 1))
    }

    candidates = monthly_candidates(by_month)

    first = candidates[0]
    assert "丽发新城" in first.label
    assert first.months == ("2019-11", "2019-12", "2020-01")
    assert first.reports == sum(h.count for h in first.hotspots)
    assert "3 months" in first.reason
    # A small hotspot seen in one month only is no candidate.
    in_candidates = {id(h) for c in candidates for h in c.hotspots}
    one_offs = [h for h in by_month["2019-10"] if id(h) not in in_candidates]
    assert one_offs and all(h.count < 20 for h in one_offs)
    assert all(len(c.months) >= 2 or c.reports >= 20 for c in candidates)
