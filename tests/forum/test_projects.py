"""The project showcase: images checked and re-encoded with Pillow (refused:
non-images, decompression bombs, oversized files and pictures), thumbnails,
links and skills, the `shared` activity, nothing half-saved, the galleries."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from activity.models import Activity
from forum import services
from forum.images import THUMBNAIL_SIZE, project_image_process
from forum.models import Post, Project, ProjectImage, Topic
from forum.project_services import ProjectDraft
from tests.courses.conftest import make_skill

from .conftest import image_bytes, join, make_board, make_group, make_user, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels: what a
    decompression bomb looks like to anything that trusts the header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()]


def share(author, board, *, images=(), title="My weather dashboard", **extra):
    return services.topic_create(
        author=author,
        board=board,
        title=title,
        body="I built a dashboard that tells me when to water the garden.",
        kind=Topic.Kind.PROJECT,
        project=ProjectDraft(images=list(images), **extra),
    )


# Image checks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"Just some notes, not a picture", "cat.gif", "not_an_image"),
        (b"%PDF-1.4 a document", "cv.png", "not_an_image"),
        (png_claiming(100_000, 100_000), "bomb.png", "decompression_bomb"),
        (png_claiming(8_000, 6_000), "huge.png", "too_many_pixels"),
        (image_bytes((16, 16)), "tiny.png", "too_small"),
        (image_bytes(image_format="BMP"), "old.bmp", "bad_format"),
        (image_bytes(image_format="JPEG")[:400], "cut.jpg", "not_an_image"),
    ],
)
def test_bad_images_are_refused_with_a_clear_message(content, name, code):
    with pytest.raises(ValidationError) as error:
        project_image_process(upload(name, content))
    assert error.value.code == code
    assert name in error.value.messages[0]


def test_a_real_decompression_bomb_is_refused_before_decoding():
    """A 7000×7000 black PNG is about 50 KB on disk and 49 megapixels in memory."""
    out = io.BytesIO()
    Image.new("L", (7000, 7000)).save(out, format="PNG")
    assert len(out.getvalue()) < 200_000
    with pytest.raises(ValidationError) as error:
        project_image_process(upload("bomb.png", out.getvalue()))
    assert error.value.code == "too_many_pixels"


def test_files_over_the_size_limit_are_refused(settings):
    settings.LYCEUM_FORUM_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        project_image_process(upload("big.png", image_bytes((800, 600))))
    assert error.value.code == "too_large"


def test_images_are_reencoded_and_thumbnailed_without_metadata():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotated 90°, as phones save photos
    exif[0x010F] = "SpyCam"  # Make
    out = io.BytesIO()
    Image.new("RGB", (2400, 1200), (200, 80, 20)).save(
        out, format="JPEG", exif=exif.tobytes()
    )
    processed = project_image_process(upload("photo.jpg", out.getvalue()))
    full = Image.open(io.BytesIO(processed.image.read()))
    thumb = Image.open(io.BytesIO(processed.thumbnail.read()))
    assert full.format == thumb.format == "WEBP"
    # Turned upright, then fitted into 1600 px.
    assert (processed.width, processed.height) == full.size == (800, 1600)
    assert thumb.size == THUMBNAIL_SIZE
    assert not full.getexif()


# Sharing a project -------------------------------------------------------------


def test_sharing_a_project_stores_images_links_skills_and_records_shared(
    member, board, media_root
):
    python, pandas = make_skill(name="Python"), make_skill(name="pandas")
    topic = share(
        member,
        board,
        images=[upload("one.png"), upload("two.gif", image_bytes(image_format="GIF"))],
        alt_texts=["The dashboard on a phone"],
        links=["https://github.com/ada/garden", " https://garden.example.org "],
        skill_ids=[python.pk, pandas.pk],
        feedback_wanted=True,
    )
    project = Project.objects.get(topic=topic)
    assert project.feedback_wanted
    assert project.links == [
        "https://github.com/ada/garden",
        "https://garden.example.org",
    ]
    assert set(project.skills.all()) == {python, pandas}
    images = list(project.images.all())
    assert [image.alt_text for image in images] == [
        "The dashboard on a phone",
        topic.title,  # no description given: the title stands in
    ]
    for image in images:
        with Image.open(image.thumbnail.path) as thumb:
            assert thumb.size == THUMBNAIL_SIZE
        assert image.image.name.startswith(f"forum/projects/{topic.pk}/")
    assert len(stored_files(media_root)) == 4
    [shared] = Activity.objects.filter(verb="shared")
    assert (shared.actor, shared.object_type, shared.object_id) == (
        member,
        "project",
        str(topic.pk),
    )
    assert set(shared.context["skill_ids"]) == {python.pk, pandas.pk}
    assert shared.context["images"] == 2 and shared.context["feedback_wanted"]
    assert Activity.objects.filter(verb="created", object_id=str(topic.pk)).exists()


def test_one_bad_image_saves_nothing_at_all(member, board, media_root):
    with pytest.raises(ValidationError) as error:
        share(
            member,
            board,
            images=[upload("good.png"), upload("evil.png", b"<script>alert(1)")],
            links=["javascript:alert(1)"],
        )
    errors = error.value.message_dict
    assert "evil.png" in errors["images"][0]
    assert "links" in errors
    assert not Topic.objects.exists() and not Post.objects.exists()
    assert not ProjectImage.objects.exists() and not Activity.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"links": ["ftp://example.org/x"]}, "links", "not a web address"),
        ({"links": ["javascript:alert(1)"]}, "links", "not a web address"),
        (
            {"links": [f"https://example.org/{n}" for n in range(6)]},
            "links",
            "at most 5",
        ),
        ({"skill_ids": [999_999]}, "skills", "from the list"),
    ],
)
def test_project_fields_are_checked(member, board, extra, field, message):
    with pytest.raises(ValidationError) as error:
        share(member, board, **extra)
    assert message in " ".join(error.value.message_dict[field])
    assert not Topic.objects.exists()


def test_at_most_six_images(member, board):
    with pytest.raises(ValidationError, match="at most 6 images"):
        share(member, board, images=[upload(f"{n}.png") for n in range(7)])
    assert not Topic.objects.exists()


def test_project_extras_on_a_discussion_are_refused(member, board):
    with pytest.raises(ValidationError) as error:
        services.topic_create(
            author=member,
            board=board,
            title="Just chatting here",
            body="Hi",
            kind=Topic.Kind.DISCUSSION,
            project=ProjectDraft(links=["https://example.org"]),
        )
    assert "Project" in error.value.message_dict["kind"][0]


def test_the_form_shares_a_project_with_an_image(client, member, board):
    skill = make_skill(name="matplotlib")
    client.force_login(member)
    response = client.post(
        reverse("forum:topic_create", args=[board.slug]),
        {
            "title": "Allotment weather dashboard",
            "kind": "project",
            "body": "Tells me when to water.",
            "images": [upload("screen.png")],
            "image_descriptions": "The chart of the week",
            "links": "https://garden.example.org",
            "skills": [skill.pk],
            "feedback_wanted": "on",
        },
    )
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == (
        topic.get_absolute_url()
    )
    page = client.get(topic.get_absolute_url()).content.decode()
    assert 'data-testid="project"' in page
    assert 'alt="The chart of the week"' in page
    assert "Feedback wanted" in page and "matplotlib" in page


def test_the_form_shows_image_errors_and_keeps_the_text(client, member, board):
    client.force_login(member)
    response = client.post(
        reverse("forum:topic_create", args=[board.slug]),
        {
            "title": "Allotment weather dashboard",
            "kind": "project",
            "body": "My careful description",
            "images": [upload("notes.png", b"just text")],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "“notes.png” is not an image we can read" in page
    assert "My careful description" in page
    assert not Topic.objects.exists()


# Galleries -----------------------------------------------------------------------


def test_galleries_show_cards_in_constant_queries(
    client, member, board, django_assert_max_num_queries
):
    skill = make_skill(name="Python")
    client.force_login(member)

    def add_projects(count):
        for n in range(count):
            share(
                make_user(),
                board,
                title=f"Project number {Topic.objects.count() + n}",
                images=[upload()],
                skill_ids=[skill.pk],
                feedback_wanted=n % 2 == 0,
            )

    add_projects(2)
    urls = [
        reverse("forum:gallery"),
        reverse("forum:board_gallery", args=[board.slug]),
        reverse("forum:skill_gallery", args=[skill.pk]),
    ]
    client.get("/")  # site settings rows are created on the first request
    small = {}
    for url in urls:
        with django_assert_max_num_queries(12) as queries:
            client.get(url)
        small[url] = len(queries.captured_queries)
    add_projects(8)
    for url in urls:
        with django_assert_max_num_queries(12) as queries:
            page = client.get(url).content.decode()
        assert len(queries.captured_queries) == small[url], url
        assert page.count('data-testid="project-card"') == 10
        assert page.count('data-testid="feedback-wanted"') == 5
        assert page.count("/media/forum/projects/") == 10


def test_galleries_leave_out_private_groups_projects(
    client, member, other_member, private_group
):
    skill = make_skill(name="Rust")
    board = private_group.boards.get()
    share(member, board, title="Secret owl project", skill_ids=[skill.pk])
    outside = make_board(name="Open", slug="open")
    share(other_member, outside, title="Open project", skill_ids=[skill.pk])
    urls = [
        reverse("forum:gallery"),
        reverse("forum:skill_gallery", args=[skill.pk]),
        reverse("forum:member", args=[member.username]),
    ]
    client.force_login(other_member)
    for url in urls:
        page = client.get(url).content.decode()
        assert "Secret owl project" not in page, url
    assert (
        client.get(
            reverse("forum:group_gallery", args=[private_group.slug])
        ).status_code
        == 404
    )
    client.force_login(member)
    for url in urls:
        assert "Secret owl project" in client.get(url).content.decode(), url
    group_page = client.get(reverse("forum:group_gallery", args=[private_group.slug]))
    assert "Secret owl project" in group_page.content.decode()
    assert "Open project" not in group_page.content.decode()


def test_group_gallery_of_a_public_group(client, member):
    group = make_group(owner=member, name="Makers")
    board = make_board(name="Makers board", slug="makers", group=group)
    share(member, board, title="Robot arm")
    join(group, make_user())
    page = client.get(reverse("forum:group_gallery", args=[group.slug]))
    assert "Robot arm" in page.content.decode()
