"""The project showcase: checking and attaching a project's images, links and
skills to a topic of kind "project" (forum.services.topic_create calls these
in its transaction). Every image is checked and re-encoded before anything is
written, so one bad image leaves nothing behind."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from activity.services import activity_record
from courses.models import Skill

from .images import ProcessedImage, project_image_process
from .models import Project, ProjectImage, Topic
from .models.projects import (
    ALT_TEXT_MAX_LENGTH,
    PROJECT_IMAGES_MAX,
    PROJECT_LINKS_MAX,
    PROJECT_SKILLS_MAX,
)

LINK_MAX_LENGTH = 500
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class ProjectDraft:
    """A project's extras as submitted: uploaded files, their descriptions,
    links (one per entry) and skill ids."""

    images: list = field(default_factory=list)
    alt_texts: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    skill_ids: list[int] = field(default_factory=list)
    feedback_wanted: bool = False

    def is_empty(self) -> bool:
        return not (self.images or self.links or self.skill_ids or self.feedback_wanted)


@dataclass(frozen=True)
class CleanProject:
    images: list[tuple[ProcessedImage, str]]  # (image, alt text)
    links: list[str]
    skills: list[Skill]
    feedback_wanted: bool


def _clean_links(links) -> tuple[list[str], list]:
    cleaned, errors = [], []
    for link in links:
        link = (link or "").strip()
        if not link or link in cleaned:
            continue
        if len(link) > LINK_MAX_LENGTH:
            errors.append(
                _("Shorten the link to %(max)d characters.") % {"max": LINK_MAX_LENGTH}
            )
            continue
        try:
            _url_validator(link)
        except ValidationError:
            errors.append(
                _(
                    "“%(link)s” is not a web address; links start with https:// or http://."
                )
                % {"link": link[:80]}
            )
            continue
        cleaned.append(link)
    if len(cleaned) > PROJECT_LINKS_MAX:
        errors.append(
            _("Add at most %(max)d links (you gave %(n)d).")
            % {"max": PROJECT_LINKS_MAX, "n": len(cleaned)}
        )
    return cleaned, errors


def project_clean(draft: ProjectDraft) -> tuple[CleanProject, dict[str, list]]:
    """Check a project's extras; returns the cleaned project and errors keyed
    by form field ("images", "links", "skills")."""
    errors: dict[str, list] = {}
    links, link_errors = _clean_links(draft.links)
    if link_errors:
        errors["links"] = link_errors
    skill_ids = {int(pk) for pk in draft.skill_ids}
    skills = list(Skill.objects.filter(pk__in=skill_ids).order_by("name"))
    if len(skills) != len(skill_ids):
        errors["skills"] = [_("Choose skills from the list.")]
    elif len(skills) > PROJECT_SKILLS_MAX:
        errors["skills"] = [
            _("Choose at most %(max)d skills.") % {"max": PROJECT_SKILLS_MAX}
        ]
    files = [file for file in draft.images if file]
    images, image_errors = [], []
    if len(files) > PROJECT_IMAGES_MAX:
        image_errors.append(
            _("Add at most %(max)d images (you chose %(n)d).")
            % {"max": PROJECT_IMAGES_MAX, "n": len(files)}
        )
    else:
        alt_texts = list(draft.alt_texts)
        for index, file in enumerate(files):
            try:
                processed = project_image_process(file)
            except ValidationError as error:
                image_errors.extend(error.messages)
                continue
            alt = alt_texts[index] if index < len(alt_texts) else ""
            alt = " ".join((alt or "").split())[:ALT_TEXT_MAX_LENGTH]
            images.append((processed, alt))
    if image_errors:
        errors["images"] = image_errors
    return (
        CleanProject(
            images=images,
            links=links,
            skills=skills,
            feedback_wanted=bool(draft.feedback_wanted),
        ),
        errors,
    )


def project_attach(*, topic: Topic, project: CleanProject, author) -> Project:
    """Write a checked project's rows and files, and record `shared` (inside
    the caller's transaction). Files written before a failure are removed."""
    details = Project.objects.create(
        topic=topic, feedback_wanted=project.feedback_wanted, links=project.links
    )
    details.skills.set(project.skills)
    written: list[tuple] = []
    try:
        for position, (processed, alt) in enumerate(project.images):
            image = ProjectImage(
                project=details,
                width=processed.width,
                height=processed.height,
                alt_text=alt or topic.title[:ALT_TEXT_MAX_LENGTH],
                position=position,
            )
            image.image.save(processed.image.name, processed.image, save=False)
            written.append((image.image.storage, image.image.name))
            image.thumbnail.save(
                processed.thumbnail.name, processed.thumbnail, save=False
            )
            written.append((image.thumbnail.storage, image.thumbnail.name))
            image.save()
        activity_record(
            actor=author,
            verb="shared",
            object_type="project",
            object_id=topic.pk,
            idempotency_key=f"shared:project:{topic.pk}",
            context={
                "topic_id": topic.pk,
                "board_id": topic.board_id,
                "group_id": topic.board.group_id,
                "skill_ids": [skill.pk for skill in project.skills],
                "images": len(project.images),
                "feedback_wanted": project.feedback_wanted,
            },
            timestamp=topic.created_at,
        )
    except Exception:
        for storage, name in written:
            storage.delete(name)
        raise
    return details
