import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from members.demo import ADMIN_PASSWORD, DEMO_PASSWORD, seed_members
from members.models import User

pytestmark = pytest.mark.django_db


def test_seed_creates_one_login_per_role():
    logins = seed_members()
    by_role = {}
    for login in logins:
        by_role.setdefault(login["role"], []).append(login)

    assert [x["email"] for x in by_role["admin"]] == ["admin@lyceum.local"]
    assert [x["email"] for x in by_role["instructor"]] == ["instructor@lyceum.local"]
    assert [x["email"] for x in by_role["moderator"]] == ["moderator@lyceum.local"]
    assert len(by_role["learner"]) >= 5
    assert by_role["admin"][0]["password"] == ADMIN_PASSWORD
    assert {x["password"] for x in logins if x["role"] != "admin"} == {DEMO_PASSWORD}

    admin = User.objects.get(email="admin@lyceum.local")
    assert admin.is_superuser and admin.is_staff
    instructor = User.objects.get(email="instructor@lyceum.local")
    assert instructor.name == "Dr. Amara Okafor"
    assert list(instructor.groups.values_list("name", flat=True)) == ["Instructors"]
    moderator = User.objects.get(email="moderator@lyceum.local")
    assert moderator.has_perm("members.moderate_members")
    learners = User.objects.filter(email__in=[x["email"] for x in by_role["learner"]])
    assert not any(learner.is_staff or learner.groups.exists() for learner in learners)
    assert "Linh Nguyen" in {learner.name for learner in learners}


def test_every_demo_member_can_log_in_by_email(client):
    for login in seed_members():
        address = EmailAddress.objects.get(email=login["email"])
        assert address.verified and address.primary
        response = client.post(
            "/accounts/login/", {"login": login["email"], "password": login["password"]}
        )
        assert response.status_code == 302, login["email"]
        client.post("/accounts/logout/")


def test_seeding_twice_creates_nothing_and_keeps_changes():
    first = seed_members()
    counts = (User.objects.count(), EmailAddress.objects.count(), Group.objects.count())
    linh = User.objects.get(email="linh.nguyen@lyceum.local")
    linh.display_name = "Linh N."
    linh.set_password("changed-it-myself-99")
    linh.save()

    second = seed_members()

    assert second == [
        {**x, "name": "Linh N." if x["email"] == linh.email else x["name"]}
        for x in first
    ]
    assert (
        User.objects.count(),
        EmailAddress.objects.count(),
        Group.objects.count(),
    ) == counts
    linh.refresh_from_db()
    assert linh.display_name == "Linh N."  # people's changes stay
    assert linh.check_password(DEMO_PASSWORD)  # the printed login keeps working
