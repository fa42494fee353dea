"""Test settings: fast hashing, in-memory e-mail, eager Celery unless a test
module starts a real worker (tests/integration)."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import (  # noqa: F401
    CELERY_BROKER_TRANSPORT_OPTIONS,
    CELERY_BROKER_URL,
    INSTALLED_APPS,
    SECRET_KEY,
)
from .env import env_bool, env_int

SECRET_KEY = SECRET_KEY or "test-only-insecure-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Eager unless told otherwise: the worker that tests/integration starts runs
# these settings with CELERY_TASK_ALWAYS_EAGER=false.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
WAGTAILADMIN_BASE_URL = "http://testserver"
ACCOUNT_RATE_LIMITS = False
# Uploads and private files (exports) written by tests go to a throw-away
# folder per test process, never into the checkout's media/ or private/.
_TEST_FILES = Path(tempfile.mkdtemp(prefix="lyceum-test-files-"))
MEDIA_ROOT = _TEST_FILES / "media"
LYCEUM_PRIVATE_ROOT = _TEST_FILES / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# tests/probe: a test-only app (a model and an instrumented consumer) that the
# real-worker tests use to observe runs. Its consumer is registered only where
# LYCEUM_PROBE_CONSUMERS is set (the worker subprocess) or by a test fixture,
# so it never shows up in other tests' receipts.
INSTALLED_APPS = INSTALLED_APPS + ["tests.probe"]
LYCEUM_PROBE_CONSUMERS = env_bool("LYCEUM_PROBE_CONSUMERS", default=False)

# The worker tests shorten Redis' visibility timeout so that a message left
# unacknowledged by a killed worker is redelivered within seconds.
_visibility_timeout = env_int("LYCEUM_TEST_VISIBILITY_TIMEOUT", 0)
if _visibility_timeout:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": _visibility_timeout,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
