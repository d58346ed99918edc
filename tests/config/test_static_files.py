"""Static files as production serves them (core.staticfiles): collected under hashed names with gzip copies, served
compressed to a browser that accepts it and cached for a year; ``manage.py serve`` collects them only when they
changed. The collection here goes to a temporary STATIC_ROOT with the production storage (the test settings keep
plain names)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory, override_settings

from core.staticfiles import StaticFilesMiddleware, collect_static_if_stale, stale_static_files

PRODUCTION_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.staticfiles.HashedStaticFilesStorage"},
}
PLOTLY = "plotly/plotly.min.js"
YEAR = "max-age=31536000, public, immutable"


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The production settings' static files, collected once for the module as `manage.py serve` does."""
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGE):
        assert stale_static_files() == ["*"]  # nothing collected yet
        assert collect_static_if_stale() is True
        yield root


def served(path: str, **headers: str) -> HttpResponse:
    """What WhiteNoise answers for ``path`` (a page's request, not a static file, would get the 404)."""
    middleware = StaticFilesMiddleware(lambda request: HttpResponse(status=404))
    return middleware(RequestFactory().get(path, **headers))


def test_plotly_is_collected_under_a_hashed_name_with_a_gzip_copy(collected: Path) -> None:
    paths = json.loads((collected / "staticfiles.json").read_text())["paths"]
    hashed = paths[PLOTLY]

    assert hashed != PLOTLY and hashed.startswith("plotly/plotly.min.") and hashed.endswith(".js")
    original = (collected / hashed).read_bytes()
    assert b"plotly.js" in original[:200]
    assert gzip.decompress((collected / f"{hashed}.gz").read_bytes()) == original
    # pages name it by its hashed name
    assert Template("{% load static %}{% static 'plotly/plotly.min.js' %}").render(Context()) == f"/static/{hashed}"


def test_the_hashed_plotly_is_sent_gzipped_and_cached_for_a_year(collected: Path) -> None:
    hashed = json.loads((collected / "staticfiles.json").read_text())["paths"][PLOTLY]

    compressed = served(f"/static/{hashed}", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert compressed.status_code == 200
    assert compressed["Cache-Control"] == YEAR
    assert compressed["Content-Encoding"] == "gzip"
    assert int(compressed["Content-Length"]) < (collected / hashed).stat().st_size / 2  # 4.8 MB → about 1.4 MB
    assert "Accept-Encoding" in compressed["Vary"]
    plain = served(f"/static/{hashed}")  # a client that accepts no compression gets the file as it is
    assert "Content-Encoding" not in plain and int(plain["Content-Length"]) == (collected / hashed).stat().st_size
    # the unhashed name may change content under the same address: a short cache only
    assert served(f"/static/{PLOTLY}")["Cache-Control"] == "max-age=60, public"


def test_serve_collects_again_only_when_a_static_file_changed(collected: Path, tmp_path: Path) -> None:
    assert stale_static_files() == []
    assert collect_static_if_stale() is False  # nothing changed: the server starts without collecting

    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "new.js").write_text("// a file added after the collection\n")
    with override_settings(STATICFILES_DIRS=[*settings.STATICFILES_DIRS, ("extra", extra)]):
        assert stale_static_files() == ["extra/new.js"]


def test_without_a_collection_pages_name_the_files_plainly(tmp_path: Path) -> None:
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGE):
        assert Template("{% load static %}{% static 'plotly/plotly.min.js' %}").render(Context()) == f"/static/{PLOTLY}"
