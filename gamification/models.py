"""Gamification data: the points ledger and its rules, cached balances, the
member's game profile (time zone, leaderboard listing)."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from activity.vocabulary import VERBS

# Verbs a rule may pay for. Log-ins, log-outs and launches are presence, not
# effort; `earned` and `redeemed` are written by gamification itself; paying
# for private messages (`sent`) would pay for spam, and for skipping a path
# step (`skipped`) would reward not learning, and for @mentions (`mentioned`)
# would pay for name-dropping.
PAYABLE_VERBS = tuple(
    name
    for name in VERBS
    if name
    not in {
        "logged-in",
        "logged-out",
        "launched",
        "earned",
        "redeemed",
        "sent",
        "skipped",
        "mentioned",
    }
)
OBJECT_TYPES = sorted({t for v in PAYABLE_VERBS for t in VERBS[v].object_types})


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("Choose a time zone from the list, such as Europe/Paris."),
            code="time_zone",
        )


def default_time_zone() -> str:
    return settings.TIME_ZONE


class PointsRuleQuerySet(models.QuerySet):
    def active(self) -> "PointsRuleQuerySet":
        return self.filter(active=True)


class PointsRule(models.Model):
    """How many points an activity is worth: a verb and object type, an optional
    condition on its result, and a daily cap per member."""

    class Condition(models.TextChoices):
        ANY = "", _("Always")
        SUCCESS = "success", _("Only when successful (result.success)")
        FIRST_TRY = "first_try", _("Only when successful on the first attempt")

    class Recipient(models.TextChoices):
        ACTOR = "actor", _("The member who acted")
        OWNER = "owner", _("The owner of the content acted on (context.owner_id)")

    name = models.CharField(_("name"), max_length=100)
    verb = models.CharField(
        _("verb"), max_length=32, choices=[(v, v) for v in PAYABLE_VERBS]
    )
    object_type = models.CharField(
        _("object type"),
        max_length=32,
        choices=[(t, t) for t in OBJECT_TYPES],
        blank=True,
        help_text=_("Leave empty to match every object type of the verb."),
    )
    condition = models.CharField(
        _("condition"), max_length=16, choices=Condition.choices, blank=True
    )
    recipient = models.CharField(
        _("paid to"), max_length=8, choices=Recipient.choices, default="actor"
    )
    points = models.IntegerField(_("points"))
    daily_cap = models.PositiveIntegerField(
        _("daily cap"),
        null=True,
        blank=True,
        help_text=_(
            "Most points one member can get from this rule per day (their own "
            "day, in their time zone). Empty: no cap."
        ),
    )
    once_per_object = models.BooleanField(
        _("once per object"),
        default=False,
        help_text=_(
            "Pay a member only the first time for the same object (e.g. one "
            "review per course however often it is edited)."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = PointsRuleQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("verb"), FieldPanel("object_type")]),
        FieldRowPanel([FieldPanel("condition"), FieldPanel("recipient")]),
        FieldRowPanel([FieldPanel("points"), FieldPanel("daily_cap")]),
        MultiFieldPanel(
            [FieldPanel("once_per_object"), FieldPanel("active")],
            heading=_("Limits"),
        ),
    ]

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["verb", "object_type", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.points:+d})"

    def clean(self) -> None:
        if self.object_type and self.object_type not in VERBS[self.verb].object_types:
            allowed = ", ".join(VERBS[self.verb].object_types)
            raise ValidationError(
                {
                    "object_type": _(
                        "“%(verb)s” takes only these object types: %(allowed)s."
                    )
                    % {"verb": self.verb, "allowed": allowed}
                }
            )


class PointsEntry(models.Model):
    """One line of the append-only points ledger. A member's balance is the sum
    of their entries; corrections are new entries, never edits."""

    class Kind(models.TextChoices):
        AWARD = "award", _("award")
        REVERSAL = "reversal", _("reversal")
        SPEND = "spend", _("spend")
        REFUND = "refund", _("refund")
        ADJUSTMENT = "adjustment", _("adjustment")

    # Kinds that count as earning (levels, leaderboards); spending does not
    # make anyone less accomplished.
    EARNING_KINDS = (Kind.AWARD, Kind.REVERSAL, Kind.ADJUSTMENT)

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    amount = models.IntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.AWARD)
    reason = models.CharField(max_length=200)
    activity = models.ForeignKey(
        "activity.Activity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # PROTECT: a rule that has paid is part of the ledger's history;
    # deactivate it instead of deleting it.
    rule = models.ForeignKey(
        PointsRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # "type:id" of what was acted on, for once-per-object rules.
    object_key = models.CharField(max_length=100, blank=True)
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    # The member's own calendar day when it happened (daily caps).
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same activity never pays twice under the same rule, whatever
            # happens upstream (replays, concurrent dispatch, a lost receipt).
            models.UniqueConstraint(
                fields=["activity", "rule"],
                condition=models.Q(activity__isnull=False),
                name="points_once_per_activity_and_rule",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "rule", "day"]),
            models.Index(fields=["member", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.amount:+d} to {self.member_id}: {self.reason}"


class PointsBalance(models.Model):
    """A member's cached ledger sums: `total` (spendable, every entry) and
    `earned` (award, reversal and adjustment entries: levels and leaderboards).
    Updated with F() in the transaction that writes the entry;
    `manage.py points_reconcile` proves it."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="points_balance",
    )
    total = models.IntegerField(default=0)
    earned = models.IntegerField(default=0)
    # Copy of the profile's leaderboard choice, so a rank is one index range.
    listed = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("points balance")
        indexes = [
            models.Index(
                # member descending: the board's order (score down, member up)
                # is this index read backwards, so no query ever sorts. Partial
                # (listed only): SQLite cannot range over a bare boolean column.
                fields=["earned", "-member"],
                name="points_rank_all_time",
                condition=models.Q(listed=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.total}"


class MemberGameProfile(models.Model):
    """A member's gamification preferences and state: their time zone (days,
    caps and streaks are counted in it) and whether leaderboards list them."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="game_profile",
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
    )
    leaderboard_listed = models.BooleanField(
        _("show me on leaderboards"),
        default=True,
        help_text=_("Others see your name and points on the leaderboards."),
    )
    # The learning streak (a cache of LearningDay rows, kept by the streaks
    # consumer): consecutive days of real learning, freezes bridging gaps.
    streak_current = models.PositiveIntegerField(default=0)
    streak_longest = models.PositiveIntegerField(default=0)
    streak_last_day = models.DateField(null=True, blank=True)
    freezes_held = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("game profile")

    def __str__(self) -> str:
        return f"Game profile of {self.member_id}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Level(models.Model):
    """A level members reach by earning points, and what it unlocks."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=60)
    threshold = models.PositiveIntegerField(
        _("points needed"),
        unique=True,
        help_text=_("Points earned (spending does not count against it)."),
    )
    privileges = models.TextField(
        _("what it unlocks"),
        blank=True,
        help_text=_("Shown to members working towards this level."),
    )
    can_create_polls = models.BooleanField(_("may create polls"), default=False)
    offered_moderation = models.BooleanField(
        _("offered volunteer moderation"), default=False
    )

    panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("threshold")]),
        FieldPanel("name"),
        FieldPanel("privileges"),
        MultiFieldPanel(
            [FieldPanel("can_create_polls"), FieldPanel("offered_moderation")],
            heading=_("Privileges"),
        ),
    ]

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["threshold"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def clean(self) -> None:
        clash = Level.objects.exclude(pk=self.pk)
        lower = clash.filter(number__lt=self.number, threshold__gte=self.threshold)
        higher = clash.filter(number__gt=self.number, threshold__lte=self.threshold)
        if self.threshold is not None and (lower.exists() or higher.exists()):
            raise ValidationError(
                {
                    "threshold": _(
                        "Higher levels need more points: choose a threshold between "
                        "those of the levels before and after this one."
                    )
                }
            )


class LearningDay(models.Model):
    """A day (in the member's time zone) on which they learned something real,
    or that a streak freeze covered."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    frozen = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "day"], name="learning_day_once")
        ]
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.member_id} {'froze' if self.frozen else 'learned'} {self.day}"


@register_setting(icon="pick")
class GamificationSettings(BaseGenericSetting):
    """Site-wide knobs for streaks."""

    freeze_cost = models.PositiveIntegerField(
        _("streak freeze price (points)"), default=50
    )
    freezes_max = models.PositiveSmallIntegerField(
        _("streak freezes a member may hold"), default=2
    )
    reply_min_length = models.PositiveIntegerField(
        _("characters a forum reply needs to count for the streak"), default=80
    )

    panels = [
        FieldPanel("freeze_cost"),
        FieldPanel("freezes_max"),
        FieldPanel("reply_min_length"),
    ]

    class Meta:
        verbose_name = _("gamification settings")


class PeriodTotal(models.Model):
    """Points a member earned in one calendar week or month (the site's time
    zone, weeks from Monday): the weekly and monthly leaderboards, kept by the
    ledger writes so a rank is one index range count."""

    class Period(models.TextChoices):
        WEEK = "week", _("week")
        MONTH = "month", _("month")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(max_length=5, choices=Period.choices)
    start = models.DateField()
    total = models.IntegerField(default=0)
    listed = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "period", "start"], name="one_total_per_period"
            )
        ]
        indexes = [
            models.Index(
                fields=["period", "start", "total", "-member"],
                name="points_rank_period",
                condition=models.Q(listed=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.period} of {self.start}: {self.total}"


class ScoreCount(models.Model):
    """How many listed members have exactly `score` on one board ("all",
    "week:<monday>", "month:<first>"). A rank is then a sum over the few
    distinct scores above a member, not a count over every member above."""

    board = models.CharField(max_length=24)
    score = models.IntegerField()
    members = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["board", "score"], name="one_count_per_score"
            )
        ]

    def __str__(self) -> str:
        return f"{self.board}: {self.members} at {self.score}"


class Reward(models.Model):
    """Something members can buy with points: a catalogue item with a price and
    an optional stock."""

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cost = models.PositiveIntegerField(_("price in points"))
    stock = models.PositiveIntegerField(
        _("stock"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    active = models.BooleanField(_("on offer"), default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("image"),
        FieldRowPanel([FieldPanel("cost"), FieldPanel("stock")]),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["cost", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.cost} points)"

    @property
    def sold_out(self) -> bool:
        return self.stock is not None and self.stock <= 0


class Redemption(models.Model):
    """A member's purchase of a reward, waiting for an operator to fulfil or
    cancel it (a cancellation refunds the points and restocks)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be fulfilled")
        FULFILLED = "fulfilled", _("fulfilled")
        CANCELLED = "cancelled", _("cancelled and refunded")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="+")
    cost = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    spend = models.OneToOneField(
        PointsEntry, on_delete=models.PROTECT, related_name="+"
    )
    refund = models.OneToOneField(
        PointsEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} redeemed {self.reward_id} ({self.status})"


# Badges and challenges live in their own modules; imported here so Django
# registers them with the app.
from .badge_models import BadgeAward, BadgeClass, IssuerSettings  # noqa: E402, F401
from .challenge_models import Challenge, ChallengeCompletion  # noqa: E402, F401
