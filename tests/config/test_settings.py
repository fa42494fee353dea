"""Settings come from the environment only; production refuses insecure setups."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.env import email_settings_from_url, env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]
ENV_NAMES = (
    "DJANGO_SECRET_KEY",
    "DJANGO_DEBUG",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "EMAIL_URL",
)

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(settings.DATABASES["default"]["NAME"]),
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "BROKER": settings.CELERY_BROKER_URL,
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "EMAIL_HOST": getattr(settings, "EMAIL_HOST", None),
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
}))
"""


def run_with_env(module: str, code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_for(module: str, **env: str) -> dict:
    completed = run_with_env(module, PRINT_SETTINGS, **env)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_dev_defaults_are_the_embedded_stack():
    values = settings_for("config.settings.dev")
    assert values["DEBUG"] is True
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DB_NAME"].endswith("db.sqlite3")
    assert values["CACHE"].endswith("LocMemCache")
    assert values["EAGER"] is True
    assert values["BROKER"] == "memory://localhost/"
    assert values["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_services_come_from_the_environment():
    values = settings_for(
        "config.settings.dev",
        DATABASE_URL="postgres://lyceum:pw@db.internal:5432/lyceum",
        REDIS_URL="redis://cache.internal:6379/2",
        EMAIL_URL="smtp://mailer:secret@smtp.internal:587?tls=true",
        DJANGO_ALLOWED_HOSTS="lyceum.example.org,www.lyceum.example.org",
    )
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["DB_NAME"] == "lyceum"
    assert values["CACHE"].endswith("RedisCache")
    assert values["BROKER"] == "redis://cache.internal:6379/2"
    assert values["EAGER"] is False
    assert values["EMAIL_HOST"] == "smtp.internal"
    assert "lyceum.example.org" in values["ALLOWED_HOSTS"]


def test_production_refuses_to_start_without_a_secret_key():
    completed = run_with_env("config.settings.production", PRINT_SETTINGS)
    assert completed.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in completed.stderr


def test_production_refuses_a_short_secret_key():
    completed = run_with_env(
        "config.settings.production", PRINT_SETTINGS, DJANGO_SECRET_KEY="short"
    )
    assert completed.returncode != 0
    assert "at least 50 characters" in completed.stderr


def test_production_passes_the_deployment_checklist():
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="lyceum.example.org",
    )
    completed = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "no issues (0 silenced)" in completed.stdout


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("1", True), ("off", False), ("", False)]
)
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("LYCEUM_FLAG", raw)
    assert env_bool("LYCEUM_FLAG") is expected


def test_env_readers_reject_garbage(monkeypatch):
    monkeypatch.setenv("LYCEUM_FLAG", "maybe")
    monkeypatch.setenv("LYCEUM_NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="LYCEUM_FLAG"):
        env_bool("LYCEUM_FLAG")
    with pytest.raises(ImproperlyConfigured, match="LYCEUM_NUMBER"):
        env_int("LYCEUM_NUMBER", 3)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("LYCEUM_HOSTS", " a.example , b.example,, ")
    assert env_list("LYCEUM_HOSTS") == ["a.example", "b.example"]


def test_email_url_smtps_and_unknown_scheme():
    smtps = email_settings_from_url("smtps://user%40mail:p%40ss@mail.example:2465")
    assert smtps["EMAIL_USE_SSL"] is True
    assert smtps["EMAIL_PORT"] == 2465
    assert smtps["EMAIL_HOST_USER"] == "user@mail"
    assert smtps["EMAIL_HOST_PASSWORD"] == "p@ss"
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL scheme"):
        email_settings_from_url("carrier-pigeon://coop")
