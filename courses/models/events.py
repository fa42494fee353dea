"""Live sessions and community events, and who registered for them."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from core.blocks import ContentStreamBlock

from .pages import CoursePage


def validate_time_zone(value: str) -> None:
    """Accept only IANA time zone names this machine knows (e.g. Europe/Berlin)."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            _("“%(value)s” is not a time zone name; use one like “Europe/Berlin”."),
            code="bad_time_zone",
            params={"value": value},
        ) from error


class EventPageForm(WagtailAdminPageForm):
    """Editors type start and end as wall-clock times in the event's own time
    zone (what the venue's clock shows); they are stored in UTC."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        for name in ("starts_at", "ends_at"):
            value = getattr(instance, name, None)
            if value is not None and not self.is_bound:
                self.initial[name] = timezone.make_naive(value, instance.zone)

    def clean(self):
        cleaned = super().clean()
        zone_name = cleaned.get("time_zone")
        try:
            zone = zoneinfo.ZoneInfo(zone_name) if zone_name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None  # the field's own validator reports it
        if zone is not None:
            for name in ("starts_at", "ends_at"):
                value = cleaned.get(name)
                if value is not None:
                    wall_clock = timezone.make_naive(value)  # as typed
                    cleaned[name] = timezone.make_aware(wall_clock, zone)
        return cleaned


class EventIndexPage(Page):
    """The events calendar: upcoming live sessions and community events."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["website.HomePage"]
    subpage_types = ["courses.EventPage"]
    max_count = 1
    template = "courses/events/event_index_page.html"

    class Meta:
        verbose_name = _("events calendar")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["events"] = (
            EventPage.objects.live()
            .child_of(self)
            .upcoming()
            .select_related("course")
            .annotate_seats()
        )
        return context


class EventPageQuerySet(PageQuerySet):
    def upcoming(self, now=None) -> "EventPageQuerySet":
        """Events not yet over, soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by(
            "starts_at", "pk"
        )

    def annotate_seats(self) -> "EventPageQuerySet":
        """Each event with `seats_taken` (registered members), in one query."""
        return self.annotate(
            seats_taken=models.Count(
                "registrations",
                filter=models.Q(
                    registrations__status=EventRegistration.Status.REGISTERED
                ),
            )
        )


class EventPage(Page):
    """A live session or community event with a capacity and a waitlist; a
    course may own it (its instructors then mark attendance)."""

    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text=_("Leave empty for a community event."),
    )
    summary = models.TextField(_("summary"), max_length=400, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("Where the event happens, e.g. “Europe/Berlin”; times are "
                    "shown in it."),
    )  # fmt: skip
    online_url = models.URLField(
        _("online link"),
        blank=True,
        help_text=_("Video call link, shown only to registered members."),
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=30)
    registration_open = models.BooleanField(_("registration open"), default=True)
    description = StreamField(
        ContentStreamBlock(), blank=True, verbose_name=_("description")
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        PageChooserPanel("course", "courses.CoursePage"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldPanel("time_zone"),
            ],
            heading=_("When (local time at the event)"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("online_url"),
                FieldRowPanel([FieldPanel("venue"), FieldPanel("city")]),
            ],
            heading=_("Where"),
        ),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_open")]),
        FieldPanel("description"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("city"),
        index.FilterField("starts_at"),
    ]

    objects = PageManager.from_queryset(EventPageQuerySet)()
    base_form_class = EventPageForm

    parent_page_types = ["courses.EventIndexPage"]
    subpage_types: list[str] = []
    template = "courses/events/event_page.html"

    class Meta:
        verbose_name = _("event")

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        if not self.online_url and not (self.venue and self.city):
            errors["online_url"] = _(
                "Give an online link, or a venue and city for an event in person."
            )
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = _("An event needs at least one seat.")
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        from ..event_services import event_state_for

        context = super().get_context(request, *args, **kwargs)
        context["state"] = event_state_for(event=self, user=request.user)
        return context

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    def has_started(self, now=None) -> bool:
        return (now or timezone.now()) >= self.starts_at


class EventRegistration(models.Model):
    """A member's seat or waitlist place at an event; one row per member and
    event, re-used when they cancel and register again."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    event = models.ForeignKey(
        EventPage, on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    # When the current seat was granted (directly or from the waitlist); it
    # keys the `registered` activity so a cancel-and-return records again.
    confirmed_at = models.DateTimeField(_("seat confirmed at"), null=True, blank=True)
    # Waitlist order: lower goes first; empty unless waitlisted.
    position = models.PositiveIntegerField(_("waitlist order"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    # The last registration e-mail sent (its kind and the moment it is about),
    # so a retried or duplicated task sends each one once.
    notified = models.CharField(
        _("last e-mail sent"), max_length=64, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["event", "registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event"], name="event_registration_once"
            )
        ]
        indexes = [models.Index(fields=["event", "status", "position"])]

    def __str__(self) -> str:
        return f"{self.user} at event {self.event_id} ({self.status})"
