"""Static files as production serves them: collected under names that carry a hash of their content
(``plotly.min.fc03e19a095d.js``), each with a gzip copy, and cached by browsers for a year without asking again.
A new version of a file gets a new name, so the year's cache never serves an old one.

``manage.py serve`` collects them at start when anything changed since the last collection
(``collect_static_if_stale``), so ``make run`` on a fresh clone serves them that way with no extra step; another
server (gunicorn) runs ``manage.py collectstatic --noinput`` at each deployment. Until they are collected, pages
name the files by their plain names, which WhiteNoise serves from the apps' folders with a short cache
(``HashedStaticFilesStorage.url``): a script or a test rendering pages with the production settings still works.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.apps import apps
from django.conf import STATICFILES_STORAGE_ALIAS, settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.files.storage import storages
from django.core.management import call_command
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage

YEAR_SECONDS = 365 * 24 * 60 * 60


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage (hashed names from Django's manifest, gzip copies, and brotli ones when the Brotli package
    is installed), falling back to a file's plain name while it is not in the manifest."""

    def url(self, name: str | None, force: bool = False) -> str:
        try:
            return super().url(name, force)
        except ValueError:  # "Missing staticfiles manifest entry": not collected yet
            return self._url(lambda clean_name: clean_name, name, force=True)


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, with a year (rather than its ten) for the files whose name carries their hash:
    ``Cache-Control: max-age=31536000, public, immutable``. Other static files keep ``WHITENOISE_MAX_AGE``."""

    FOREVER = YEAR_SECONDS


def _collected_names() -> tuple[set[str], float] | None:
    """The original names in the collected manifest and when it was written; None when nothing was collected."""
    manifest = Path(settings.STATIC_ROOT) / staticfiles_storage.manifest_name
    if not manifest.is_file():
        return None
    names, _hash = staticfiles_storage.load_manifest()
    return set(names), manifest.stat().st_mtime


def stale_static_files() -> list[str]:
    """The static files (as ``collectstatic`` finds them) that the collected manifest lacks or that changed after it
    was written; ``["*"]`` when nothing was collected. Empty when the collection is up to date."""
    collected = _collected_names()
    if collected is None:
        return ["*"]
    names, written_at = collected
    stale = []
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore):
            prefix = getattr(storage, "prefix", None)
            name = os.path.join(prefix, path) if prefix else path
            if name.replace(os.sep, "/") not in names or os.stat(storage.path(path)).st_mtime > written_at:
                stale.append(name)
    return sorted(set(stale))


def collect_static_if_stale() -> bool:
    """Run ``collectstatic`` when the storage hashes names and any static file changed since the last collection.
    Returns whether it ran."""
    if not isinstance(storages[STATICFILES_STORAGE_ALIAS], ManifestFilesMixin) or not stale_static_files():
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    return True
