import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from activity.models import Activity
from courses.assignment_services import assignment_grade, assignment_submit
from courses.models import AssignmentSubmission, CourseInstructor
from courses.services import enrollment_create

from .conftest import assignment, make_lesson, make_user, paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def task(world):
    """The world's course with a lesson holding an assignment (max score 10,
    files pdf/png/txt up to 1 MB), its instructor, and the enrolled learner."""
    world.teacher = make_user(username="teacher")
    CourseInstructor.objects.create(course=world.course, user=world.teacher)
    world.lesson = make_lesson(
        world.module, title="Project", body=[paragraph(), assignment()]
    )
    return world


def _png(size=(8, 8), name="chart.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _submit(task, **kwargs):
    kwargs.setdefault("user", task.learner)
    kwargs.setdefault("lesson", task.lesson)
    kwargs.setdefault("block_id", "assignment")
    return assignment_submit(**kwargs)


def _activities(verb):
    return list(Activity.objects.filter(verb=verb).order_by("pk"))


# Handing in ------------------------------------------------------------------


def test_handing_in_text_and_a_file_records_submitted(task):
    submission = _submit(task, text="  My analysis.  ", file=_png())

    assert submission.text == "My analysis."
    assert submission.file_name == "chart.png"
    assert submission.file.name.startswith(f"assignments/{task.lesson.pk}/")
    assert "chart" not in submission.file.name  # unguessable stored name
    assert submission.course == task.course
    assert submission.status == AssignmentSubmission.Status.SUBMITTED
    [activity] = _activities("submitted")
    assert activity.object_type == "assignment"
    assert activity.object_id == f"{task.lesson.pk}:assignment"


def test_resubmitting_replaces_the_work_until_graded(
    task, django_capture_on_commit_callbacks
):
    first = _submit(task, text="Draft", file=_png())
    old_file = first.file.name

    with django_capture_on_commit_callbacks(execute=True):
        second = _submit(task, text="Final")

    assert second.pk == first.pk and second.version == 2
    assert (second.text, second.file_name, bool(second.file)) == ("Final", "", False)
    assert not second.file.storage.exists(old_file)
    assert AssignmentSubmission.objects.count() == 1
    assert len(_activities("submitted")) == 2


@pytest.mark.parametrize(
    ("setup", "kwargs", "code"),
    [
        ("withdraw", {"text": "x"}, "not_enrolled"),
        ("unpublish", {"text": "x"}, "lesson_unpublished"),
        (None, {"text": "x", "block_id": "nope"}, "assignment_not_found"),
        (None, {"text": "   "}, "empty"),
        ("text_only", {"file": "png"}, "files_not_accepted"),
        ("files_only", {"text": "x"}, "text_not_accepted"),
    ],
)
def test_refused_hand_ins_change_nothing(task, setup, kwargs, code):
    from courses.services import enrollment_withdraw

    if setup == "withdraw":
        enrollment_withdraw(user=task.learner, course=task.course)
    elif setup == "unpublish":
        task.lesson.unpublish()
    elif setup in ("text_only", "files_only"):
        task.lesson.body = [
            assignment(text=setup == "text_only", files=setup == "files_only")
        ]
        task.lesson.save_revision().publish()
    if kwargs.get("file") == "png":
        kwargs["file"] = _png()
    before = Activity.objects.count()

    with pytest.raises(ValidationError) as error:
        _submit(task, **kwargs)

    assert error.value.code == code
    assert not AssignmentSubmission.objects.exists()
    assert Activity.objects.count() == before


def test_a_learner_not_in_the_course_cannot_hand_in(task):
    with pytest.raises(ValidationError) as error:
        _submit(task, user=make_user(), text="Hi")
    assert error.value.code == "not_enrolled"


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("chart.png", b"not really a png"), "not_an_image"),
        (SimpleUploadedFile("tool.exe", b"MZ\x90\x00"), "bad_extension"),
        (SimpleUploadedFile("data.zip", b"PK nope"), "bad_extension"),  # not allowed
        (SimpleUploadedFile("paper.pdf", b"<html>fake</html>"), "bad_content"),
        (SimpleUploadedFile("notes.txt", b"\xff\xfe\x00bad"), "not_text"),
        (SimpleUploadedFile("big.txt", b"a" * (1024 * 1024 + 1)), "too_large"),
        (SimpleUploadedFile("empty.txt", b""), "empty"),
    ],
)
def test_uploads_are_checked_for_type_size_and_content(task, upload, code):
    with pytest.raises(ValidationError) as error:
        _submit(task, file=upload)

    assert error.value.code == code
    assert not AssignmentSubmission.objects.exists()


def test_an_image_renamed_as_another_format_is_refused(task):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "GIF")
    with pytest.raises(ValidationError) as error:
        _submit(task, file=SimpleUploadedFile("chart.png", buffer.getvalue()))
    assert error.value.code == "not_an_image"


def test_real_pdf_zip_and_text_files_are_accepted(task):
    task.lesson.body = [assignment(extensions="pdf, zip, md, jpg")]
    task.lesson.save_revision().publish()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a.txt", "hello")
    jpeg = io.BytesIO()
    Image.new("RGB", (4, 4)).save(jpeg, "JPEG")
    for upload in (
        SimpleUploadedFile("paper.pdf", b"%PDF-1.7\n..."),
        SimpleUploadedFile("code.zip", archive.getvalue()),
        SimpleUploadedFile("notes.md", "# Überblick".encode()),
        SimpleUploadedFile("photo.jpeg", jpeg.getvalue()),
    ):
        assert _submit(task, file=upload).file_name == upload.name


# Grading ---------------------------------------------------------------------


def test_the_instructor_grades_with_feedback_and_records_scored(task):
    submission = _submit(task, text="Work")

    graded = assignment_grade(
        by=task.teacher, submission=submission, score=7, feedback="Good, cite data."
    )

    assert graded.status == AssignmentSubmission.Status.GRADED
    assert (graded.score, graded.max_score) == (7, 10)
    assert graded.graded_by == task.teacher and graded.graded_at
    [activity] = _activities("scored")
    assert activity.actor_id == task.learner.pk
    assert activity.result["score"] == {"raw": 7, "max": 10, "scaled": 0.7}


def test_only_the_course_instructors_and_staff_grade(task):
    submission = _submit(task, text="Work")
    other_course_teacher = make_user()
    from .conftest import make_course

    make_course(instructors=[other_course_teacher])

    for intruder in (task.learner, make_user(), other_course_teacher):
        with pytest.raises(PermissionDenied):
            assignment_grade(by=intruder, submission=submission, score=5)
    submission.refresh_from_db()
    assert submission.status == AssignmentSubmission.Status.SUBMITTED
    assert not _activities("scored")

    assignment_grade(by=make_user(is_staff=True), submission=submission, score=5)
    submission.refresh_from_db()
    assert submission.score == 5


@pytest.mark.parametrize("score", [11, -1, True, "7"])
def test_scores_outside_the_blocks_range_are_refused(task, score):
    submission = _submit(task, text="Work")
    with pytest.raises(ValidationError) as error:
        assignment_grade(by=task.teacher, submission=submission, score=score)
    assert error.value.code == "bad_score"
    submission.refresh_from_db()
    assert submission.score is None


def test_a_graded_submission_is_final(task):
    submission = _submit(task, text="Work")
    assignment_grade(by=task.teacher, submission=submission, score=9)

    with pytest.raises(ValidationError) as error:
        _submit(task, text="Better work")
    assert error.value.code == "already_graded"
    with pytest.raises(ValidationError):
        assignment_grade(by=task.teacher, submission=submission, score=10)
    submission.refresh_from_db()
    assert (submission.text, submission.score) == ("Work", 9)


# Pages -----------------------------------------------------------------------


def test_the_lesson_shows_the_form_then_the_status_then_the_feedback(client, task):
    client.force_login(task.learner)
    html = client.get(task.lesson.url).content.decode()
    url = reverse(
        "courses:assignment_submit",
        kwargs={"lesson_id": task.lesson.pk, "block_id": "assignment"},
    )
    assert f'action="{url}"' in html and 'enctype="multipart/form-data"' in html

    response = client.post(url, {"text": "My work", "file": _png()})
    assert response.status_code == 302
    html = client.get(task.lesson.url).content.decode()
    assert "waiting for your instructor" in html and "chart.png" in html

    submission = AssignmentSubmission.objects.get()
    assignment_grade(
        by=task.teacher, submission=submission, score=8, feedback="Nice charts."
    )
    html = client.get(task.lesson.url).content.decode()
    assert "Graded: 8 out of 10" in html and "Nice charts." in html
    assert f'action="{url}"' not in html


def test_a_visitor_not_enrolled_sees_no_form(client, task):
    client.force_login(make_user())
    html = client.get(task.lesson.url).content.decode()
    assert "multipart/form-data" not in html


def test_bad_uploads_through_the_form_show_the_error(client, task):
    client.force_login(task.learner)
    url = reverse(
        "courses:assignment_submit",
        kwargs={"lesson_id": task.lesson.pk, "block_id": "assignment"},
    )
    response = client.post(
        url, {"file": SimpleUploadedFile("x.png", b"fake")}, follow=True
    )
    assert "not an image we can read" in response.content.decode()
    assert not AssignmentSubmission.objects.exists()


def test_grading_pages_are_for_the_course_instructors(client, task):
    submission = _submit(task, text="Work", file=_png())
    queue = reverse("courses:grading_queue")
    grade = reverse("courses:assignment_grade", kwargs={"submission_id": submission.pk})
    file_url = reverse(
        "courses:submission_file", kwargs={"submission_id": submission.pk}
    )

    client.force_login(task.learner)
    assert client.get(queue).status_code == 403
    assert client.post(grade, {"score": 10}).status_code == 403
    assert client.get(file_url).status_code == 200  # their own file
    client.force_login(make_user())
    assert client.get(file_url).status_code == 403

    client.force_login(task.teacher)
    assert "Work" in client.get(grade).content.decode()
    assert task.learner.name in client.get(queue).content.decode()
    assert client.get(file_url).status_code == 200
    response = client.post(grade, {"score": 99, "feedback": "x"})
    assert response.status_code == 400
    assert "from 0 to 10" in response.content.decode()
    response = client.post(grade, {"score": 6, "feedback": "Solid."})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.score, submission.feedback) == (6, "Solid.")


def test_grading_queue_queries_do_not_grow_with_submissions(
    client, task, django_assert_max_num_queries
):
    _submit(task, text="Work")
    client.force_login(task.teacher)
    client.get(reverse("courses:grading_queue"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("courses:grading_queue"))
    for _ in range(5):
        learner = make_user()
        enrollment_create(user=learner, course=task.course)
        _submit(task, user=learner, text="More")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("courses:grading_queue"))
