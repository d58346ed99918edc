"""Analytics tables: rollups the dashboards read (``rollups``) and detected hotspots (``hotspots``)."""

from analytics.models.hotspots import Hotspot, HotspotAlert, HotspotMember, HotspotRun, HotspotStatus

__all__ = ["Hotspot", "HotspotAlert", "HotspotMember", "HotspotRun", "HotspotStatus"]
