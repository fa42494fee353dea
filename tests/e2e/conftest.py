"""Browser tests: Chromium (Debian's, see tests/conftest.py) against live_server.

live_server tests flush the database, which removes everything data migrations
made (the page tree, the default Site, the staff groups); `site_tree` puts it
back before each test."""

import os

import pytest

PHONE = {"width": 390, "height": 844}
_ASYNC_UNSAFE_BEFORE = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    """Playwright's sync API runs an event loop in the test thread, so Django
    would refuse the (plain synchronous) ORM calls that fixtures and tests make.
    Allowed from before the first fixture until after the last teardown (the
    database flush) of each browser test only: set at import time, the variable
    would leak into other tests' subprocesses."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        if _ASYNC_UNSAFE_BEFORE is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = _ASYNC_UNSAFE_BEFORE


@pytest.fixture
def server(live_server, site_tree) -> str:
    """The live server's base URL, with the page tree in place."""
    return live_server.url
