"""Builders for the privacy centre tests."""

import io
import json
import zipfile

from forum.models import Board
from forum.services import topic_create


def forum_post(member, *, title="My question", body="A post written by me."):
    board, _created = Board.objects.get_or_create(
        slug="general", defaults={"name": "General", "position": 1}
    )
    return topic_create(author=member, board=board, title=title, body=body)


def archive_read(content: bytes) -> tuple[dict, list[str]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return json.loads(archive.read("data.json")), archive.namelist()
