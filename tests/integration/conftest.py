"""Real Celery workers for the integration tests (PostgreSQL + Redis only)."""

import os

import pytest

from .workers import ROOT, Worker, database_url_for, worker_broker_url


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def worker_broker():
    """The Redis database the workers use, emptied first."""
    import redis

    url = worker_broker_url()
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def start_worker(request, transactional_db, worker_broker, tmp_path):
    """Start real workers against the test database; every one is stopped at
    teardown (before the database is flushed), and their logs are printed if
    the test failed."""
    from django.db import connection

    workers: list[Worker] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_for(connection.settings_dict),
        "CELERY_BROKER_URL": worker_broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LYCEUM_PROBE_CONSUMERS": "true",
        "LYCEUM_ACTIVITY_SWEEP_GRACE_SECONDS": "0",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }

    def start(*, visibility_timeout: int | None = None) -> Worker:
        worker_env = dict(env)
        if visibility_timeout:
            worker_env["LYCEUM_TEST_VISIBILITY_TIMEOUT"] = str(visibility_timeout)
        name = f"w{len(workers) + 1}-{os.getpid()}"
        worker = Worker(name, tmp_path / f"{name}.log", worker_env)
        workers.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        for worker in workers:
            print(f"\n--- {worker.name} log ({worker.log_path}) ---\n{worker.log()}")  # noqa: T201


@pytest.fixture
def site_enqueues_to(celery_broker, worker_broker):
    """The test process plays the web node: eager off, the workers' broker."""
    with celery_broker(worker_broker, eager=False) as app:
        yield app
