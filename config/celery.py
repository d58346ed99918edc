"""The Celery application. Tasks live in each app's tasks.py and are found automatically.

A worker keeps its database connection between tasks, as the web server keeps one between requests: Celery's
Django fixup would close it before and after every task (a new PostgreSQL backend per call analysed: its start,
authentication and cold catalogue caches cost more than many an analysis's queries) unless CELERY_DB_REUSE_MAX is
set, and the settings set it. So that a broken or old connection is still replaced, each task begins and ends the way
Django begins and ends a request: ``close_old_connections`` (CONN_MAX_AGE, and a connection left unusable)."""

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("hotline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _old_database_connections_closed(task: Any = None, **_kwargs: Any) -> None:
    if task is not None and getattr(task.request, "is_eager", False):
        return  # run inside a request or a test: the connection is theirs
    from django.db import close_old_connections

    close_old_connections()
