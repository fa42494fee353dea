"""The forum's part of the privacy registry (members.privacy): the member's
topics, posts and reactions; on erasure their posts stay under "Deleted
member", or are emptied when LYCEUM_DELETED_MEMBER_POSTS is "remove"."""

from django.conf import settings
from django.db.models import Count, F
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _

from members.privacy import register_eraser, register_exporter, rows

from .models import Post, PostRevision, Reaction, Topic


def forum_export(member) -> dict:
    return {
        "topics": rows(
            Topic.objects.filter(author=member).order_by("created_at"),
            ["id", "title", "board__name", "kind", "created_at"],
        ),
        "posts": rows(
            Post.objects.filter(author=member).order_by("created_at"),
            [
                "id",
                "topic_id",
                "topic__title",
                "number",
                "body_markdown",
                "created_at",
                "edited_at",
                "is_deleted",
            ],
        ),
        "reactions": rows(
            Reaction.objects.filter(member=member).order_by("created_at"),
            ["post_id", "kind", "created_at"],
        ),
    }


def forum_erase(member) -> None:
    if getattr(settings, "LYCEUM_DELETED_MEMBER_POSTS", "keep") != "remove":
        return  # kept, shown under the anonymised member's "Deleted member"
    posts = Post.objects.filter(author=member, is_deleted=False)
    # Replies that disappear from view no longer count in their topic.
    for row in (
        posts.filter(number__gt=1, is_hidden=False)
        .values("topic_id")
        .annotate(n=Count("id"))
    ):
        Topic.objects.filter(pk=row["topic_id"]).update(
            reply_count=Greatest(F("reply_count") - row["n"], 0)
        )
    Post.objects.filter(author=member).exclude(body_markdown="").update(
        is_deleted=True, body_markdown="", body_html=""
    )
    PostRevision.objects.filter(post__author=member).exclude(body_markdown="").update(
        body_markdown=""
    )


register_exporter(
    "forum",
    forum_export,
    label=_("Forum topics, posts and reactions"),
    purpose=_("What you wrote in the community, shown to its readers."),
    retention=_(
        "Posts stay after you delete your account, shown as written by a "
        "deleted member (or removed, if the site is set up so)."
    ),
)
register_eraser("forum", forum_erase)
