"""Demo data for the privacy centre: version 1 of the privacy policy, accepted
by every demo member (so logging in to the demo asks nothing until an operator
publishes version 2)."""

from datetime import timedelta

from django.utils import timezone

from .models import ConsentRecord, PrivacyPolicy, User

POLICY_SUMMARY = (
    "Lyceum keeps your account, profile and what you do on the site to run "
    "your courses, community and learning path. It works out mastery "
    "estimates, segments, churn risk and recommendations from your activity "
    "(you choose how much in your profile). You can export everything, reset "
    "what was inferred, or delete your account from the privacy centre."
)


def seed_privacy() -> dict:
    policy, _created = PrivacyPolicy.objects.get_or_create(
        version=1,
        defaults={
            "summary": POLICY_SUMMARY,
            "url": "/members/privacy/data/",
            "published_at": timezone.now() - timedelta(days=30),
        },
    )
    members = User.objects.filter(is_active=True).exclude(consents__policy=policy)
    ConsentRecord.objects.bulk_create(
        [ConsentRecord(member=member, policy=policy) for member in members],
        ignore_conflicts=True,
    )
    return {"policy": policy, "consents": policy.consents.count()}
