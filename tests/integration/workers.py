"""Starting and watching real Celery worker subprocesses."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
WORKER_REDIS_DB = 15  # a database of its own, flushed by every test
READY_TIMEOUT = 60


def _skip_reason() -> str | None:
    engine = settings.DATABASES["default"]["ENGINE"]
    missing = []
    if "postgresql" not in engine:
        missing.append("DATABASE_URL pointing at PostgreSQL")
    if not os.environ.get("REDIS_URL"):
        missing.append("REDIS_URL")
    if not missing:
        return None
    return (
        "real-worker tests need " + " and ".join(missing) + " (the embedded "
        "SQLite/eager default has no broker and no shared database); CI runs "
        "them in its PostgreSQL leg"
    )


SKIP_REASON = _skip_reason()


def worker_broker_url() -> str:
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit((parts.scheme, parts.netloc, f"/{WORKER_REDIS_DB}", "", ""))


def database_url_for(settings_dict) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD")
    auth = user + (":" + quote(password) if password else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{settings_dict['NAME']}"


class Worker:
    """One `celery -A config worker --pool=solo` subprocess, logging to a file."""

    def __init__(self, name: str, log_path: Path, env: dict[str, str]):
        self.name = name
        self.log_path = log_path
        celery = Path(sys.executable).with_name("celery")
        if not celery.exists():
            celery = ROOT / ".venv" / "bin" / "celery"
        self._log = open(log_path, "wb")  # closed in stop()
        self.process = subprocess.Popen(
            [
                str(celery),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-l",
                "info",
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_for_log(self, text: str, timeout: float) -> None:
        wait_until(
            lambda: text in self.log(), timeout, f"{text!r} in {self.name}'s log"
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if " ready." in self.log():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"worker {self.name} did not start:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no ack, no rollback from the client."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()


def wait_until(predicate, timeout: float, what: str, *, logs=()) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    details = "\n".join(f"--- {w.name} log ---\n{w.log()}" for w in logs)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{details}")
