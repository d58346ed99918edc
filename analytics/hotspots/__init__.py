"""Hotspots (集中热点) and monthly topics (每月一题); docs/hotspots.md tells the whole story.

Pure detection, one module per step: ``types`` (the rows in and out), ``detection`` (``detect_hotspots``,
running the steps), ``vectors``, ``pairs``, ``clustering``, ``labels``, ``heat`` (heat index and emerging)
and ``monthly``. The Django side: ``services`` (the hourly run that stores hotspots and raises alerts),
``selectors`` (reads) and ``views`` (pages).
"""
