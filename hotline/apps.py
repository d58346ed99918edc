from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = _("Hotline intake")

    def ready(self) -> None:
        # Every LLM call of this process (drafts here, knowledge answers in the knowledge app) is logged and
        # held to the hour's budget through the one shared client's meter.
        from hotline.llm_services import DatabaseMeter
        from triage.llm.client import install_meter

        install_meter(DatabaseMeter())
        # A Celery worker of this project records its heartbeat on the queues it consumes (read by /health/).
        from hotline import heartbeat  # noqa: F401
