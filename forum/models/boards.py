"""Boards, topics, posts and reactions: the community's conversations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from core.markdown import render_markdown

TITLE_MAX_LENGTH = 150
BODY_MAX_LENGTH = 20_000
# URL segments under /community/ that a board slug would shadow.
RESERVED_BOARD_SLUGS = frozenset(
    {"t", "p", "u", "g", "moderation", "new", "search", "groups", "gallery"}
)


class BoardQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_archived=False)

    def listing(self):
        """Boards in their editorial order, with visible topic counts."""
        return (
            self.select_related("course", "group")
            .annotate(
                topic_total=Count("topics", filter=Q(topics__is_hidden=False)),
                last_activity_at=models.Max(
                    "topics__last_activity_at", filter=Q(topics__is_hidden=False)
                ),
            )
            .order_by("is_archived", "position", "name")
        )


class Board(models.Model):
    """A place for one kind of conversation (a category), optionally a course's
    discussion area. Archived boards stay readable but take no new posts."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("One or two sentences shown in the board list."),
    )
    rules = models.TextField(
        _("rules"),
        blank=True,
        help_text=_("Markdown. Shown on the board and above its new-topic form."),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_boards",
        help_text=_("Make this board the course's discussion area."),
    )
    # PROTECT: deleting a private group must not turn its boards public.
    group = models.ForeignKey(
        "forum.Group",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="boards",
        help_text=_(
            "Make this board a group's space. Boards of a private group are "
            "seen only by its members."
        ),
    )
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Lower numbers come first.")
    )
    is_archived = models.BooleanField(
        _("archived"),
        default=False,
        help_text=_("Archived boards can be read but take no new topics or replies."),
    )

    objects = BoardQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("rules"),
        FieldPanel("course"),
        FieldPanel("group"),
        FieldPanel("position"),
        FieldPanel("is_archived"),
    ]

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:board", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.slug in RESERVED_BOARD_SLUGS:
            raise ValidationError(
                {
                    "slug": _("“%(slug)s” is used by the forum itself; choose another.")
                    % {"slug": self.slug}
                }
            )
        if self.course_id and self.group_id:
            raise ValidationError(
                {
                    "group": _(
                        "A board belongs to a course or to a group, not both. "
                        "Clear one of them."
                    )
                }
            )

    @property
    def rules_html(self):
        return render_markdown(self.rules)


class TopicQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)

    def listing(self):
        """Pinned first, then most recently active."""
        return self.select_related("author", "board").order_by(
            "-is_pinned", "-last_activity_at", "-pk"
        )


class Topic(models.Model):
    """A conversation in a board; its first post is the opening message."""

    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("Discussion")
        QUESTION = "question", _("Question")
        PROJECT = "project", _("Project")

    board = models.ForeignKey(
        Board, verbose_name=_("board"), on_delete=models.CASCADE, related_name="topics"
    )
    # A member who deletes their account leaves their conversations behind.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="forum_topics",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.DISCUSSION
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    accepted_post = models.ForeignKey(
        "Post",
        verbose_name=_("accepted answer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The activity that accepted the current answer, voided when it changes.
    accepted_activity = models.ForeignKey(
        "activity.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply_count = models.PositiveIntegerField(_("replies"), default=0)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [
            models.Index(
                fields=["board", "-is_pinned", "-last_activity_at"],
                name="forum_topic_listing_idx",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:topic", kwargs={"pk": self.pk})

    @property
    def is_question(self) -> bool:
        return self.kind == self.Kind.QUESTION

    @property
    def is_answered(self) -> bool:
        return self.accepted_post_id is not None


class Post(models.Model):
    """One message in a topic, written in Markdown and stored rendered."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="posts"
    )
    number = models.PositiveIntegerField(
        _("number"), help_text=_("1 for the opening post, then 2, 3, …")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="forum_posts",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    body_markdown = models.TextField(
        _("message"), validators=[MaxLengthValidator(BODY_MAX_LENGTH)]
    )
    body_html = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    is_deleted = models.BooleanField(_("deleted"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "number"], name="forum_post_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.number}"

    def get_absolute_url(self) -> str:
        return f"{self.topic.get_absolute_url()}#post-{self.number}"

    @property
    def is_visible(self) -> bool:
        return not (self.is_deleted or self.is_hidden)


class PostRevision(models.Model):
    """The text a post had before an edit (the edit history)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body_markdown = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.post} @ {self.created_at:%Y-%m-%d %H:%M}"


class Reaction(models.Model):
    """A member's like or "helpful" on someone else's post."""

    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        HELPFUL = "helpful", _("Helpful")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_reactions",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # The `liked` activity, voided if the reaction is taken back.
    activity = models.ForeignKey(
        "activity.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member", "kind"], name="forum_reaction_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.kind} {self.post}"
