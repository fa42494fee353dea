"""The project showcase: a topic of kind "project" carries these details. Its
opening post is the project's description."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .boards import Topic

PROJECT_IMAGES_MAX = 6
PROJECT_LINKS_MAX = 5
PROJECT_SKILLS_MAX = 8
ALT_TEXT_MAX_LENGTH = 200


def project_image_upload_to(instance: "ProjectImage", filename: str) -> str:
    # The name is ours (never the member's): the extension is what we encoded.
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"forum/projects/{instance.project_id}/{uuid.uuid4().hex[:16]}.{extension}"


class Project(models.Model):
    """What a showcase topic adds: links, skills used, and whether the author
    wants feedback (its images are ProjectImage rows)."""

    topic = models.OneToOneField(
        Topic,
        verbose_name=_("topic"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="project",
    )
    feedback_wanted = models.BooleanField(_("feedback wanted"), default=False)
    links = models.JSONField(
        _("links"),
        default=list,
        blank=True,
        help_text=_("http(s) addresses: the live site, the code, a video."),
    )
    skills = models.ManyToManyField(
        "courses.Skill",
        verbose_name=_("skills used"),
        blank=True,
        related_name="forum_projects",
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return str(self.topic)


class ProjectImage(models.Model):
    """A screenshot or photo of a project, as re-encoded by us (never the
    member's bytes), with a 480 px wide WebP thumbnail for the gallery."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="images",
    )
    image = models.FileField(_("image"), upload_to=project_image_upload_to)
    thumbnail = models.FileField(_("thumbnail"), upload_to=project_image_upload_to)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    alt_text = models.CharField(
        _("description of the image"), max_length=ALT_TEXT_MAX_LENGTH, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("project image")
        verbose_name_plural = _("project images")
        ordering = ["position", "pk"]
        indexes = [
            models.Index(fields=["project", "position"], name="forum_projimg_order_idx")
        ]

    def __str__(self) -> str:
        return f"{self.project} image {self.position + 1}"
