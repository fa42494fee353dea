"""Mentoring requests: only to members who offer mentoring, one open request
per pair, only the mentor answers, accepting opens one private conversation."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conversations.models import Conversation
from members.models import LearningProfile
from paths.mentoring import mentoring_answer, mentoring_request
from paths.models import MentoringRequest
from tests.courses.conftest import make_skill, make_topic, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    mentor = make_user(username="mentor")
    LearningProfile.objects.create(user=mentor, mentoring_available=True)
    learner = make_user(username="learner")
    other = make_user(username="other")
    skill = make_skill(topic=make_topic(name="Data", slug="data"), name="Pandas")
    return mentor, learner, other, skill


def test_only_opted_in_mentors_and_one_open_request(people):
    mentor, learner, other, skill = people
    with pytest.raises(ValidationError):
        mentoring_request(learner=learner, mentor_id=other.pk, message="Help?")
    with pytest.raises(ValidationError):
        mentoring_request(learner=learner, mentor_id=learner.pk, message="Me?")
    with pytest.raises(ValidationError):
        mentoring_request(learner=learner, mentor_id=mentor.pk, message="   ")
    request = mentoring_request(
        learner=learner, mentor_id=mentor.pk, message="Pandas joins?", skill_id=skill.pk
    )
    assert request.status == "pending" and request.skill == skill
    with pytest.raises(ValidationError):
        mentoring_request(learner=learner, mentor_id=mentor.pk, message="Again")
    assert MentoringRequest.objects.count() == 1


def test_only_the_mentor_accepts_and_the_conversation_opens_once(people):
    mentor, learner, other, skill = people
    request = mentoring_request(
        learner=learner, mentor_id=mentor.pk, message="Pandas joins?", skill_id=skill.pk
    )
    for intruder in (learner, other):
        with pytest.raises(ValidationError):
            mentoring_answer(mentor=intruder, request_id=request.pk, accept=True)
    answered = mentoring_answer(mentor=mentor, request_id=request.pk, accept=True)
    assert answered.status == "accepted" and answered.conversation is not None
    conversation = Conversation.objects.get()
    assert conversation.kind == "mentoring"
    assert set(conversation.participants.values_list("member_id", flat=True)) == {
        mentor.pk,
        learner.pk,
    }
    with pytest.raises(ValidationError):
        mentoring_answer(mentor=mentor, request_id=request.pk, accept=True)
    assert Conversation.objects.count() == 1


def test_decline_opens_nothing_and_a_new_request_may_follow(people):
    mentor, learner, _other, _skill = people
    request = mentoring_request(learner=learner, mentor_id=mentor.pk, message="Hi")
    mentoring_answer(mentor=mentor, request_id=request.pk, accept=False)
    request.refresh_from_db()
    assert request.status == "declined" and request.conversation is None
    assert not Conversation.objects.exists()
    mentoring_request(learner=learner, mentor_id=mentor.pk, message="Later?")


def test_views(people, client):
    mentor, learner, other, skill = people
    client.force_login(learner)
    response = client.post(
        reverse("paths:mentoring_ask", args=[mentor.pk]),
        {"message": "Can you help?", "skill": str(skill.pk)},
    )
    assert response.status_code == 302
    request = MentoringRequest.objects.get()
    client.force_login(other)
    client.post(reverse("paths:mentoring_decide", args=[request.pk, "accept"]))
    request.refresh_from_db()
    assert request.status == "pending"
    client.force_login(mentor)
    page = client.get(reverse("paths:mentoring")).content.decode()
    assert "Can you help?" in page and 'data-testid="received-request"' in page
    response = client.post(
        reverse("paths:mentoring_decide", args=[request.pk, "accept"])
    )
    request.refresh_from_db()
    assert request.status == "accepted"
    assert response.url == request.conversation.get_absolute_url()
