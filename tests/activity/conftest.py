import pytest

from activity import registry


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user(
        username="ada", email="ada@example.org", password="x" * 12
    )


@pytest.fixture
def add_consumer():
    """Register test consumers for one test; unregistered afterwards."""
    names: list[str] = []

    def add(name, handler, *, verbs=None):
        registry.consumer(name, verbs=verbs)(handler)
        names.append(name)
        return handler

    yield add
    for name in names:
        registry.unregister(name)


@pytest.fixture
def only_test_consumers(monkeypatch):
    """The apps' own consumers stay out of the way: the spine is observed with
    test consumers alone (the apps' consumers may queue on-commit work of their
    own, e.g. a debounced recommendation refresh, which is theirs to test)."""
    monkeypatch.setattr(registry, "_consumers", {})
