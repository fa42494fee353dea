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
