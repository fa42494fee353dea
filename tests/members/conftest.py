import pytest

from members.models import User

from .helpers import member_build


@pytest.fixture
def member(db) -> User:
    return member_build()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded avatars go to a throwaway directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
