"""Logging for the whole site: no personal data in the logs.

A log line may quote what it handles: an error from parsing a submission, an LLM endpoint's answer, an
exception with a value in its message. ``MaskPersonalData`` masks every record's message and traceback with
``triage.privacy`` before any handler writes it (``LOGGING`` in the settings puts it on every handler)."""

from __future__ import annotations

import logging

from triage.privacy import mask_pii


class MaskPersonalData(logging.Filter):
    """Masks personal data (phone and ID numbers, names after a cue, cards, e-mails, plates …) in a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the handler's to report, as it would without this filter
            return True
        masked = mask_pii(message).text
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_pii(logging.Formatter().formatException(record.exc_info)).text
        return True
