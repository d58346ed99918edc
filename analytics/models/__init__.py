"""Analytics tables: rollups the dashboards read (``rollups``) and detected hotspots (``hotspots``)."""

from analytics.models.hotspots import Hotspot, HotspotAlert, HotspotMember, HotspotRun, HotspotStatus
from analytics.models.rollups import (
    AiReviewDaily,
    DepartmentDaily,
    DepartmentVolumeDaily,
    OrderVolumeDaily,
    ReturnDaily,
    RollupRefresh,
    SubmissionDaily,
)

__all__ = [
    "AiReviewDaily",
    "DepartmentDaily",
    "DepartmentVolumeDaily",
    "Hotspot",
    "HotspotAlert",
    "HotspotMember",
    "HotspotRun",
    "HotspotStatus",
    "OrderVolumeDaily",
    "ReturnDaily",
    "RollupRefresh",
    "SubmissionDaily",
]
