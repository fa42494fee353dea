"""Load Lyceum's demo: members of every role and real-sounding content.

Deterministic and idempotent: running it again creates nothing new. Each
capability contributes its own `seed_*` function; this command composes them."""

from django.core.management.base import BaseCommand
from django.db import transaction

from conversations.demo import seed_conversations
from courses.demo import seed_courses
from forum.demo import seed_forum
from gamification.badge_demo import seed_badges
from gamification.demo import seed_gamification
from members.demo import seed_members
from members.models import User
from members.privacy_demo import seed_privacy
from notifications.demo import seed_notifications
from paths.demo import seed_paths
from paths.demo_mastery import seed_mastery_demo
from paths.demo_recommend import seed_recommendations_demo
from website.demo import seed_website


class Command(BaseCommand):
    help = "Create the demo members and content (safe to run repeatedly)."

    def handle(self, *args, **options):
        with transaction.atomic():
            logins = seed_members()
            authors = list(
                User.objects.filter(groups__name="Instructors").order_by("pk")
            )
            learners = list(
                User.objects.filter(is_staff=False, groups__isnull=True).order_by("pk")
            )
            catalogue = seed_courses(instructors=authors, learners=learners)
            forum = seed_forum(
                members=[*learners, *authors], courses=catalogue["courses"]
            )
            conversations = seed_conversations(members=[*learners, *authors])
            game = seed_gamification(learners=learners)
            seed_mastery_demo(members=learners)
            paths = seed_paths(learners=learners)
            badges = seed_badges(learners=learners)
            content = seed_website(
                authors=authors,
                sections=[catalogue["catalogue"], ("Community", "/community/")],
                featured=catalogue["courses"][:3],
            )
            seed_recommendations_demo(learners=learners)  # after all content
            notices = seed_notifications()  # after every activity
            privacy = seed_privacy()  # every demo member accepts policy v1
            content.update(
                {
                    "courses": len(catalogue["courses"]),
                    "skills": len(catalogue["skills"]),
                    "enrolments": len(catalogue["enrollments"]),
                    "forum boards": len(forum["boards"]),
                    "forum topics": len(forum["topics"]),
                    "private conversations": len(conversations["conversations"]),
                    "forum groups": len(forum["groups"]),
                    "shared projects": forum["projects"],
                    "check-ins": game["check_ins"],
                    "career tracks": len(paths["tracks"]),
                    "learning paths": len(paths["paths"]),
                    "badges": badges["badges"],
                    "badges awarded": badges["badges_awarded"],
                    "challenges": badges["challenges"],
                    "notifications": notices["notifications"],
                    "privacy consents": privacy["consents"],
                }
            )

        if options["verbosity"] == 0:
            return
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        summary = ", ".join(f"{count} {name}" for name, count in content.items())
        self.stdout.write(f"Content: {summary}")
        self.stdout.write("Demo logins (e-mail / password):")
        for login in logins:
            self.stdout.write(
                f"  {login['role']:<11} {login['email']:<28} {login['password']}"
            )
