"""Signals other code can react to (a notification, a message to a duty manager …)."""

from django.dispatch import Signal

# Sent after commit when a hotspot starts emerging, with ``hotspot`` and ``alert``.
hotspot_emerged = Signal()
