"""The hosted Open Badges 2.0 documents, the baked PNG, and the public pages."""

import hashlib
import io
import struct
import zlib

import pytest
from django.urls import reverse
from PIL import Image as PILImage

from gamification.badge_models import BadgeAward, IssuerSettings
from gamification.badges import badge_award_revoke
from gamification.openbadges import bake_png, recipient_identity, unbake_png

from .badge_builders import make_badge
from .conftest import make_member, record

pytestmark = pytest.mark.django_db
ORIGIN = "http://testserver"


@pytest.fixture
def award(member):
    make_badge(name="First lesson", slug="first-lesson", count=1)
    record(member, "completed", "lesson")
    return BadgeAward.objects.select_related("badge").get(member=member)


def get_json(client, url, status=200, **extra):
    response = client.get(url, **extra)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def test_the_assertion_is_hosted_json_ld_with_a_hashed_recipient(client, award, member):
    url = reverse("gamification:ob_assertion", args=[award.uuid])
    data = get_json(client, url)
    assert data["@context"] == "https://w3id.org/openbadges/v2"
    assert data["type"] == "Assertion"
    assert data["id"] == ORIGIN + url
    assert data["verification"] == {"type": "hosted"}
    assert data["badge"] == ORIGIN + f"/badges/class/{award.badge.pk}.json"
    recipient = data["recipient"]
    assert recipient["type"] == "email" and recipient["hashed"] is True
    salt = recipient["salt"]
    assert len(salt) == 16
    expected = hashlib.sha256((member.email + salt).encode()).hexdigest()
    assert recipient["identity"] == f"sha256${expected}"
    assert member.email not in str(data)
    assert data["issuedOn"].endswith("Z")
    assert data["evidence"]["id"] == ORIGIN + f"/badges/a/{award.uuid}/"
    assert data["evidence"]["narrative"] == "Reach 1 × “completed” (lesson)."


def test_the_recipient_hash_is_salted_per_award():
    assert recipient_identity("Ada@Example.org ", "s1") == recipient_identity(
        "ada@example.org", "s1"
    )
    assert recipient_identity("ada@example.org", "s1") != recipient_identity(
        "ada@example.org", "s2"
    )


def test_badge_class_and_issuer_live_on_the_same_origin(client, award):
    badge = get_json(client, f"/badges/class/{award.badge.pk}.json")
    assert badge["type"] == "BadgeClass"
    assert badge["id"] == ORIGIN + f"/badges/class/{award.badge.pk}.json"
    assert badge["name"] == "First lesson" and badge["description"]
    assert badge["image"] == ORIGIN + f"/badges/class/{award.badge.pk}/image.png"
    assert badge["criteria"]["id"] == ORIGIN + "/badges/first-lesson/"
    assert badge["criteria"]["narrative"]
    assert badge["issuer"] == ORIGIN + "/badges/issuer.json"
    issuer = get_json(client, "/badges/issuer.json")
    assert issuer["type"] == "Issuer" and issuer["id"] == badge["issuer"]
    assert issuer["url"] == ORIGIN + "/" and issuer["email"] == "badges@example.org"
    assert issuer["name"]
    # Asked through another host, every URL follows it: one origin per answer.
    other = get_json(
        client, f"/badges/class/{award.badge.pk}.json", HTTP_HOST="127.0.0.1:8000"
    )
    assert other["id"].startswith("http://127.0.0.1:8000/")
    assert other["issuer"] == "http://127.0.0.1:8000/badges/issuer.json"


def test_the_issuer_profile_follows_the_settings(client):
    issuer = IssuerSettings.load()
    issuer.name, issuer.url = "Lyceum Academy", "https://lyceum.example.org/"
    issuer.email, issuer.description = "hello@lyceum.example.org", "We teach."
    issuer.save()
    data = get_json(client, "/badges/issuer.json")
    assert (data["name"], data["url"], data["email"], data["description"]) == (
        "Lyceum Academy",
        "https://lyceum.example.org/",
        "hello@lyceum.example.org",
        "We teach.",
    )
    assert "image" not in data
    assert client.get("/badges/issuer.png").status_code == 404


def test_the_badge_image_is_a_png(client, award):
    response = client.get(f"/badges/class/{award.badge.pk}/image.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    with PILImage.open(io.BytesIO(response.content)) as picture:
        assert picture.format == "PNG" and picture.size == (512, 512)


def png_chunks(data: bytes):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        body = data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + body)
        yield kind, body
        at += 12 + length


def test_the_baked_png_carries_the_assertion_url(client, award):
    response = client.get(f"/badges/a/{award.uuid}.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]
    url = f"{ORIGIN}/badges/a/{award.uuid}.json"
    assert unbake_png(response.content) == url
    # Exactly as openbadges-bakery writes and reads it: one iTXt chunk,
    # keyword, null, no compression, empty language and translated keyword.
    baked = [body for kind, body in png_chunks(response.content) if kind == b"iTXt"]
    assert baked == [b"openbadges\x00\x00\x00\x00\x00" + url.encode()]


def test_baking_again_replaces_the_earlier_url():
    picture = io.BytesIO()
    PILImage.new("RGBA", (128, 128), (10, 20, 30, 255)).save(picture, format="PNG")
    once = bake_png(picture.getvalue(), "http://a.example/1.json")
    twice = bake_png(once, "http://a.example/2.json")
    assert unbake_png(twice) == "http://a.example/2.json"
    assert sum(kind == b"iTXt" for kind, _body in png_chunks(twice)) == 1


def test_a_revoked_assertion_answers_gone_with_the_reason(client, award):
    badge_award_revoke(award_id=award.pk, reason="Awarded by mistake")
    url = reverse("gamification:ob_assertion", args=[award.uuid])
    data = get_json(client, url, status=410)
    assert data == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": ORIGIN + url,
        "revoked": True,
        "revocationReason": "Awarded by mistake",
    }
    assert client.get(f"/badges/a/{award.uuid}.png").status_code == 404
    page = client.get(f"/badges/a/{award.uuid}/")
    assert page.status_code == 410
    assert "Awarded by mistake" in page.content.decode()
    assert 'property="og:image"' not in page.content.decode()


def test_the_public_award_page_can_be_shared(client, award, member):
    page = client.get(f"/badges/a/{award.uuid}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'content="{ORIGIN}/badges/class/{award.badge.pk}/image.png"' in html
    assert 'property="og:title"' in html and "First lesson" in html
    assert f'content="{ORIGIN}/badges/a/{award.uuid}/"' in html
    assert f'href="{ORIGIN}/badges/a/{award.uuid}.json"' in html
    assert member.name in html
    assert "Share this badge" not in html  # only the earner sees the share box
    client.force_login(member)
    assert "Share this badge" in client.get(f"/badges/a/{award.uuid}/").content.decode()


def test_unknown_awards_and_badges_are_not_found(client):
    assert (
        client.get("/badges/a/00000000-0000-0000-0000-000000000000.json").status_code
        == 404
    )
    assert client.get("/badges/class/999.json").status_code == 404
    assert client.get("/badges/no-such-badge/").status_code == 404


def test_the_catalogue_shows_how_to_earn_each_badge(client, member):
    make_badge(
        name="Quiz ace", slug="quiz-ace", criteria_narrative="Pass **3** quizzes."
    )
    make_badge(name="Streaker", slug="streaker", kind="streak", count=7)
    make_badge(name="Hidden", slug="hidden", active=False)
    html = client.get("/badges/").content.decode()
    assert "Quiz ace" in html and "<strong>3</strong>" in html
    assert "Learn on 7 days in a row." in html
    assert "Hidden" not in html


def test_catalogue_and_progress_pages_take_a_constant_number_of_queries(
    client, member, django_assert_max_num_queries
):
    def add_badges(start: int, n: int):
        for i in range(start, start + n):
            make_badge(name=f"Lesson {i}", slug=f"lesson-{i}", count=i)

    add_badges(1, 3)
    client.force_login(member)
    for _ in range(4):
        record(member, "completed", "lesson")
    client.get("/badges/")  # warm caches (settings, site)
    # The base template's own queries (session, member, site, navigation,
    # notifications…) are included: what matters is that more badges and
    # awards add none.
    with django_assert_max_num_queries(20) as few:
        client.get("/badges/")
    with django_assert_max_num_queries(30) as progress_few:
        assert client.get("/progress/").status_code == 200
    add_badges(4, 9)
    for _ in range(8):
        record(member, "completed", "lesson")
    assert BadgeAward.objects.filter(member=member).count() == 12
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/badges/").content.decode()
    assert html.count('data-testid="badge-earned"') == 12
    with django_assert_max_num_queries(len(progress_few.captured_queries)):
        html = client.get("/progress/").content.decode()
    assert html.count('data-testid="my-badge"') == 12


def test_other_members_badges_are_not_on_my_progress(client, member):
    make_badge(count=1)
    other = make_member()
    record(other, "completed", "lesson")
    client.force_login(member)
    html = client.get("/progress/").content.decode()
    assert 'data-testid="my-badge"' not in html and "No badges yet" in html
