import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses.models import prerequisite_cycle

from .conftest import make_skill

pytestmark = pytest.mark.django_db


def test_a_chain_of_prerequisites_is_accepted(topic):
    basics = make_skill(topic=topic, name="Python basics")
    pandas = make_skill(topic=topic, name="pandas", prerequisites=[basics])
    plotting = make_skill(topic=topic, name="Plotting", prerequisites=[pandas, basics])

    plotting.full_clean()

    assert set(plotting.prerequisites.all()) == {pandas, basics}
    assert list(basics.unlocks.order_by("name")) == [plotting, pandas]


def test_an_indirect_cycle_is_rejected_with_the_loop_named(topic):
    a = make_skill(topic=topic, name="A")
    b = make_skill(topic=topic, name="B", prerequisites=[a])
    c = make_skill(topic=topic, name="C", prerequisites=[b])

    a.prerequisites = [c]
    with pytest.raises(ValidationError) as excinfo:
        a.full_clean()

    message = excinfo.value.message_dict["prerequisites"][0]
    assert "A → C → B → A" in message
    assert "Remove “C”" in message


def test_a_skill_cannot_require_itself(topic):
    a = make_skill(topic=topic, name="A")

    assert [s.name for s in prerequisite_cycle(a, [a])] == ["A", "A"]


def test_replacing_a_skills_own_links_is_not_mistaken_for_a_cycle(topic):
    a = make_skill(topic=topic, name="A")
    b = make_skill(topic=topic, name="B", prerequisites=[a])

    # B's current link to A is being replaced, so it must not count.
    assert prerequisite_cycle(b, [a]) == []


def test_the_admin_shows_the_cycle_error_and_saves_nothing(admin_client, topic):
    a = make_skill(topic=topic, name="A", slug="a")
    b = make_skill(topic=topic, name="B", slug="b", prerequisites=[a])
    url = reverse("wagtailsnippets_courses_skill:edit", args=[a.pk])

    response = admin_client.post(
        url,
        {
            "topic": topic.pk,
            "name": "A",
            "slug": "a",
            "description": "",
            "prerequisites": [b.pk],
        },
    )

    assert response.status_code == 200  # the form again, not a redirect
    assert "would make a loop" in response.content.decode()
    assert list(a.prerequisites.all()) == []


def test_the_admin_saves_valid_prerequisites(admin_client, topic):
    a = make_skill(topic=topic, name="A", slug="a")
    b = make_skill(topic=topic, name="B", slug="b")
    url = reverse("wagtailsnippets_courses_skill:edit", args=[b.pk])

    response = admin_client.post(
        url,
        {"topic": topic.pk, "name": "B", "slug": "b", "prerequisites": [a.pk]},
    )

    assert response.status_code == 302
    b.refresh_from_db()
    assert list(b.prerequisites.all()) == [a]
