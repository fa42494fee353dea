"""`manage.py seed_demo`: one command gives a newcomer a site to explore."""

from io import StringIO

import pytest
from django.core.management import call_command

from activity.models import Activity
from courses.models import CoursePage, Enrollment
from forum.models import Topic
from gamification.models import PointsBalance
from members.models import User
from website.models import ArticlePage

pytestmark = pytest.mark.django_db


def run_seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def totals() -> dict:
    return {
        "users": User.objects.count(),
        "articles": ArticlePage.objects.count(),
        "courses": CoursePage.objects.count(),
        "enrolments": Enrollment.objects.count(),
        "activities": Activity.objects.count(),
    }


def test_seed_demo_prints_logins_that_work_and_is_idempotent(client):
    output = run_seed()
    first = totals()
    assert "admin@lyceum.local" in output
    assert "instructor@lyceum.local" in output
    assert first["courses"] >= 8
    assert first["articles"] >= 8
    assert first["enrolments"] > 0
    assert Topic.objects.count() >= 5
    assert PointsBalance.objects.filter(total__gt=0).count() >= 3

    run_seed()
    assert totals() == first

    assert client.login(email="linh.nguyen@lyceum.local", password="lyceum-demo")


def test_seeded_home_page_leads_to_courses_and_articles(client):
    run_seed()
    html = client.get("/").content.decode()
    header = html.split("</header>")[0]
    assert 'href="/courses/"' in header
    assert 'href="/articles/"' in header
    assert 'href="/community/"' in header
    assert client.get("/community/").status_code == 200
    featured_courses = [c for c in CoursePage.objects.live() if c.title in html]
    assert len(featured_courses) >= 3
    assert client.get("/courses/").status_code == 200
