"""Test settings: the base settings with a fixed key, fast hashing and in-process tasks unless a broker is set."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "zh-hans"

# Each test process keeps its built knowledge index apart (xdist runs several).
HOTLINE = {**HOTLINE, "KNOWLEDGE_INDEX_DIR": Path(tempfile.mkdtemp(prefix="hotline-knowledge-index-"))}  # noqa: F405

# Pages name static files by their plain names, served from the source folders: never a manifest collected earlier
# into staticfiles/ by `make run`, which would serve the files as they were then (tests/config/test_static_files.py
# tests the production storage on a collection of its own).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}  # noqa: F405

# Throttles far above what any test sends; tests of throttling lower them on purpose.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"auth": "10000/min", "intake": "100000/min", "open311": "100000/min"},
}
