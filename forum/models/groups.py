"""Interest groups: members who gather around a subject, with their own boards.
A private group's boards, topics, posts and member list are seen only by its
active members (and site moderators): see forum.selectors.visible_boards."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class GroupQuerySet(models.QuerySet):
    def listing(self):
        """Groups by name, each with `member_total` (active members)."""
        return self.annotate(
            member_total=Count(
                "memberships",
                filter=Q(memberships__status=GroupMembership.Status.ACTIVE),
            )
        ).order_by("name")


class Group(models.Model):
    """A public group anyone may join, or a private one that members ask to join
    and its owners or moderators approve."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone can read it and join")
        PRIVATE = "private", _("Private: only members see it; joining needs approval")

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=2000,
        help_text=_("What the group is about and who it is for."),
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    courses = models.ManyToManyField(
        "courses.CoursePage",
        verbose_name=_("courses"),
        blank=True,
        related_name="forum_groups",
        help_text=_(
            "Courses the group studies together: their upcoming events are "
            "listed on the group page."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = GroupQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("visibility"),
        FieldPanel("cover_image"),
        FieldPanel("courses"),
        FieldPanel("created_by"),
    ]

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:group", kwargs={"slug": self.slug})

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE


class GroupMembership(models.Model):
    """A member's place in a group: active, or a pending request to join a
    private group. Declined requests and members who leave lose the row."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MODERATOR = "moderator", _("Moderator")
        MEMBER = "member", _("Member")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Member")
        PENDING = "pending", _("Asked to join")

    group = models.ForeignKey(
        Group,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="forum_group_memberships",
    )
    role = models.CharField(
        _("role"), max_length=10, choices=Role.choices, default=Role.MEMBER
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    message = models.TextField(
        _("message"),
        blank=True,
        max_length=500,
        help_text=_("What the member wrote when asking to join."),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("group"),
        FieldPanel("member"),
        FieldPanel("role"),
        FieldPanel("status"),
    ]

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "member"], name="forum_group_membership_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["member", "status"], name="forum_membership_member_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.group} ({self.role}, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def can_manage(self) -> bool:
        """Owners and group moderators decide on requests to join."""
        return self.is_active and self.role in (self.Role.OWNER, self.Role.MODERATOR)
