"""Export my data: the archive's contents, the signed expiring link, and that
only its member can download it."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conversations.services import start_conversation
from courses.models import Skill, Topic
from members.models import DataExport
from members.privacy_services import export_token, private_storage
from paths.models import ChurnScore, SegmentAssignment, SkillMastery

from .helpers import member_build
from .privacy_helpers import archive_read, forum_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.LYCEUM_PRIVATE_ROOT = tmp_path / "private"
    return settings.LYCEUM_PRIVATE_ROOT


@pytest.fixture
def other(db):
    return member_build(username="bao", display_name="Bao Tran")


@pytest.fixture
def request_export(django_capture_on_commit_callbacks):
    """Ask for an export the way the page does; the task runs (eagerly) once
    the request's transaction commits."""

    def run(client):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("members:privacy_export"))

    return run


def _download(client, export):
    url = reverse("members:privacy_download", args=[export_token(export)])
    return client.get(url)


def _inferred(member):
    topic = Topic.objects.create(name="Data", slug="data")
    skill = Skill.objects.create(topic=topic, name="Pandas basics", slug="pandas")
    SkillMastery.objects.create(member=member, skill=skill, probability=0.83)
    SegmentAssignment.objects.create(
        member=member,
        dimension="activity",
        segment="regular",
        rule="active 3 of the last 4 weeks",
        valid_from=timezone.localdate(),
    )
    ChurnScore.objects.create(
        member=member,
        day=timezone.localdate(),
        risk=0.42,
        factors=[{"factor": "days_inactive", "weight": 0.3}],
        source="oulad",
    )


def test_export_contains_own_data_and_inferred_but_not_others(
    member_client, member, other, settings, django_capture_on_commit_callbacks
):
    forum_post(member, body="Member's own post about pandas.")
    forum_post(other, title="Other", body="Bao's private-ish words.")
    start_conversation(
        sender=other, recipients=[member], subject="Hi", body="Secret from Bao."
    )
    start_conversation(
        sender=member, recipients=[other], subject="Re", body="My reply to Bao."
    )
    _inferred(member)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(reverse("members:privacy_export"))
    assert response.status_code == 302

    export = DataExport.objects.get(member=member)
    assert export.status == DataExport.Status.READY
    path = private_storage().path(export.file_name)
    assert not str(path).startswith(str(settings.MEDIA_ROOT))
    assert len(mail.outbox) == 1
    assert "/members/privacy/export/" in mail.outbox[0].body

    page = member_client.get(reverse("members:privacy")).content.decode()
    link = re.search(r'href="(/members/privacy/export/[^"]+/)"', page).group(1)
    response = member_client.get(link)
    assert response.status_code == 200
    data, names = archive_read(b"".join(response.streaming_content))
    assert names == ["data.json"]
    bodies = [p["body_markdown"] for p in data["forum"]["posts"]]
    assert bodies == ["Member's own post about pandas."]
    assert data["profile"]["email"] == member.email
    messages = [m["body_markdown"] for m in data["conversations"]["messages_written"]]
    assert messages == ["My reply to Bao."]
    inferred = data["inferred"]
    assert inferred["mastery_estimates"][0]["skill__name"] == "Pandas basics"
    assert inferred["mastery_estimates"][0]["probability"] == pytest.approx(0.83)
    assert inferred["segments"][0]["segment"] == "regular"
    assert inferred["churn_risk"][0]["risk"] == pytest.approx(0.42)
    assert "recommendations" in inferred
    assert any(a["verb"] for a in data["activity_log"])
    dumped = str(data)
    assert "Secret from Bao" not in dumped
    assert "Bao's private-ish words" not in dumped
    assert other.email not in dumped


def test_export_includes_avatar(member_client, member, request_export):
    from members.services import member_update_profile

    from .helpers import image_upload

    member_update_profile(
        user=member,
        display_name="Linh",
        first_name="",
        last_name="",
        avatar=image_upload(),
    )
    request_export(member_client)
    export = DataExport.objects.get(member=member)
    response = _download(member_client, export)
    data, names = archive_read(b"".join(response.streaming_content))
    assert any(name.startswith("avatar/") for name in names)


def test_only_the_member_can_download(client, member, other, request_export):
    client.force_login(member)
    request_export(client)
    export = DataExport.objects.get(member=member)
    client.force_login(other)
    assert _download(client, export).status_code == 404
    client.logout()
    assert _download(client, export).status_code == 302  # to the log-in page


def test_tampered_link_gets_a_clear_page(member_client, member, request_export):
    request_export(member_client)
    export = DataExport.objects.get(member=member)
    token = export_token(export)
    bad = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    response = member_client.get(reverse("members:privacy_download", args=[bad]))
    assert response.status_code == 400
    assert b"not valid" in response.content


def test_expired_link_gets_a_clear_page(member_client, member, request_export):
    request_export(member_client)
    export = DataExport.objects.get(member=member)
    DataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = _download(member_client, export)
    assert response.status_code == 410
    assert b"expired" in response.content


def test_export_requires_post_and_login(client):
    assert client.get(reverse("members:privacy_export")).status_code == 302
    assert client.post(reverse("members:privacy_export")).status_code == 302
    assert DataExport.objects.count() == 0


def test_export_query_count_bounded(member, django_assert_max_num_queries):
    from members.privacy_services import export_data

    for i in range(5):
        forum_post(member, title=f"Topic {i}", body=f"Post {i}")
    with django_assert_max_num_queries(40):
        data = export_data(member)
    assert len(data["forum"]["posts"]) == 5


def test_data_held_page_lists_every_kind(client):
    response = client.get(reverse("members:privacy_data_held"))
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("Activity log", "Inferred data", "Forum topics", "Private messages"):
        assert label in html


def test_a_failing_exporter_marks_the_export_failed(
    member_client, member, request_export, monkeypatch
):
    from members import privacy

    def broken(member):
        raise RuntimeError("boom")

    monkeypatch.setitem(
        privacy._EXPORTERS,
        "broken",
        privacy.DataKind("broken", "b", "b", "b", broken),
    )
    with pytest.raises(RuntimeError):
        request_export(member_client)
    assert DataExport.objects.get(member=member).status == DataExport.Status.FAILED
    monkeypatch.delitem(privacy._EXPORTERS, "broken")
    request_export(member_client)
    assert DataExport.objects.filter(
        member=member, status=DataExport.Status.READY
    ).exists()
