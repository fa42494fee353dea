import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activity.models import Activity
from courses.models import CourseReview
from courses.review_services import course_reviews, review_upsert
from courses.services import enrollment_create, enrollment_withdraw

from .conftest import make_user

pytestmark = pytest.mark.django_db


def _rated():
    return list(Activity.objects.filter(verb="rated").order_by("pk"))


def test_an_enrolled_learner_rates_once_and_may_edit(world):
    review = review_upsert(
        user=world.learner, course=world.course, rating=4, text=" Clear. "
    )
    again = review_upsert(
        user=world.learner, course=world.course, rating=4, text="Clear."
    )
    edited = review_upsert(user=world.learner, course=world.course, rating=5)

    assert review.pk == again.pk == edited.pk
    assert CourseReview.objects.count() == 1
    assert (edited.rating, edited.text) == (5, "")
    assert edited.updated_at >= edited.created_at
    scores = [a.result["score"]["raw"] for a in _rated()]
    assert scores == [4, 5]  # the unchanged resave recorded nothing
    assert {a.object_type for a in _rated()} == {"course"}


@pytest.mark.parametrize("rating", [0, 6, True, "5", None])
def test_ratings_outside_one_to_five_are_refused(world, rating):
    with pytest.raises(ValidationError) as error:
        review_upsert(user=world.learner, course=world.course, rating=rating)
    assert error.value.code == "bad_rating"
    assert not CourseReview.objects.exists() and not _rated()


def test_only_enrolled_learners_review(world):
    with pytest.raises(ValidationError) as error:
        review_upsert(user=make_user(), course=world.course, rating=5)
    assert error.value.code == "not_enrolled"

    enrollment_withdraw(user=world.learner, course=world.course)
    with pytest.raises(ValidationError):
        review_upsert(user=world.learner, course=world.course, rating=5)
    assert not CourseReview.objects.exists() and not _rated()


def test_an_unpublished_course_takes_no_reviews(world):
    world.course.unpublish()
    with pytest.raises(ValidationError) as error:
        review_upsert(user=world.learner, course=world.course, rating=3)
    assert error.value.code == "course_unpublished"


def test_summary_has_average_count_and_own_review(world):
    for rating in (5, 4, 2):
        member = make_user()
        enrollment_create(user=member, course=world.course)
        review_upsert(user=member, course=world.course, rating=rating)

    summary = course_reviews(course=world.course, user=world.learner)

    assert summary.count == 3
    assert summary.average == pytest.approx(11 / 3)
    assert summary.own is None and summary.can_review
    assert [r.rating for r in summary.reviews] == [2, 4, 5]  # newest first
    assert not course_reviews(course=world.course, user=make_user()).can_review


def test_course_page_shows_reviews_and_the_form(client, world):
    other = make_user(display_name="Rosa Review")
    enrollment_create(user=other, course=world.course)
    review_upsert(user=other, course=world.course, rating=5, text="Loved the quizzes")

    client.force_login(world.learner)
    html = client.get(world.course.url).content.decode()

    assert "5.0 out of 5 from 1 review" in html
    assert "Loved the quizzes" in html and "Rosa Review" in html
    assert reverse("courses:review", kwargs={"course_id": world.course.pk}) in html

    client.force_login(make_user())
    assert 'name="rating"' not in client.get(world.course.url).content.decode()


def test_posting_the_review_form(client, world):
    url = reverse("courses:review", kwargs={"course_id": world.course.pk})
    client.force_login(world.learner)

    response = client.post(url, {"rating": "4", "text": "Good pace"})
    assert response.status_code == 302 and response["Location"].endswith("#reviews")
    assert CourseReview.objects.get().rating == 4

    response = client.post(url, {"rating": "9"}, follow=True)
    assert "from 1 to 5" in response.content.decode()
    assert CourseReview.objects.get().rating == 4

    client.force_login(make_user())
    response = client.post(url, {"rating": "1"}, follow=True)
    assert "to review it" in response.content.decode()
    assert CourseReview.objects.count() == 1


def test_course_page_queries_do_not_grow_with_reviews(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.learner)
    review_upsert(user=world.learner, course=world.course, rating=3)
    client.get(world.course.url)
    with django_assert_max_num_queries(60) as few:
        client.get(world.course.url)
    budget = len(few.captured_queries)
    for n in range(15):
        member = make_user(display_name=f"Reviewer {n}")
        enrollment_create(user=member, course=world.course)
        review_upsert(user=member, course=world.course, rating=1 + n % 5, text="ok")
    client.get(world.course.url)  # the reviews changed: the cached listing rebuilds
    with django_assert_max_num_queries(budget):
        html = client.get(world.course.url).content.decode()
    assert "Reviewer 14" in html
