"""Keep the help index current: content that changes what it may show bumps
its version, so the next query builds a new one (website.help)."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from activity.models import Activity
from activity.registry import consumer
from courses.models import CoursePage, LessonPage

from .help import help_index_invalidate
from .models import ArticlePage

INDEXED_PAGES = (LessonPage, ArticlePage, CoursePage)


def _page_changed(sender, **kwargs) -> None:
    help_index_invalidate()


def _restriction_changed(sender, **kwargs) -> None:
    help_index_invalidate()


def connect() -> None:
    for model in INDEXED_PAGES:
        page_published.connect(
            _page_changed, sender=model, dispatch_uid=f"help:{model.__name__}:pub"
        )
        page_unpublished.connect(
            _page_changed, sender=model, dispatch_uid=f"help:{model.__name__}:unpub"
        )
        post_delete.connect(
            _page_changed, sender=model, dispatch_uid=f"help:{model.__name__}:del"
        )
    # A page made private (or public again) changes who may see its lessons.
    post_save.connect(
        _restriction_changed,
        sender=PageViewRestriction,
        dispatch_uid="help:restriction:save",
    )
    post_delete.connect(
        _restriction_changed,
        sender=PageViewRestriction,
        dispatch_uid="help:restriction:del",
    )


@consumer("website.help_index", verbs={"accepted", "voided"})
def answered_questions_changed(activity) -> None:
    """An accepted answer makes a question findable; withdrawing it (a
    `voided` acceptance) takes it out."""
    if activity.verb == "voided":
        voided = (
            Activity.objects.filter(pk=activity.object_id)
            .values_list("verb", flat=True)
            .first()
        )
        if voided != "accepted":
            return
    help_index_invalidate()
