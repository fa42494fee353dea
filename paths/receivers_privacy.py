"""Paths' part of the privacy registry (members.privacy), imported by
PathsConfig.ready() like every ``receivers*`` module: the member's goal, path,
self-assessments and the **inferred data** (mastery estimates, segments, churn
risk, recommendations with their reasons), the "reset inferred data" action
and erasure."""

from django.utils.translation import gettext_lazy as _

from members.privacy import register_eraser, register_exporter, register_resetter, rows

from .mastery import reset_inferred
from .models import (
    ChurnScore,
    KnowledgeState,
    LearningPath,
    MasteryEvidence,
    MentoringRequest,
    PlacementAttempt,
    Recommendation,
    RecommendationDismissal,
    SegmentAssignment,
    SkillMastery,
    SkillSelfAssessment,
)


def paths_export(member) -> dict:
    return {
        "learning_path": rows(
            LearningPath.objects.filter(member=member),
            [
                "goal_kind",
                "goal_course__title",
                "created_at",
                "planned_at",
                "eta_weeks",
            ],
        ),
        "self_assessments": rows(
            SkillSelfAssessment.objects.filter(member=member).order_by("skill__name"),
            ["skill__name", "level", "assessed_at"],
        ),
        "mentoring_requests": rows(
            MentoringRequest.objects.filter(learner=member).order_by("created_at"),
            ["skill__name", "message", "status", "created_at"],
        ),
    }


def inferred_export(member) -> dict:
    return {
        "mastery_estimates": rows(
            SkillMastery.objects.filter(member=member).order_by("skill__name"),
            [
                "skill__name",
                "probability",
                "attempts",
                "correct",
                "evidence",
                "mastered_at",
                "updated_at",
            ],
        ),
        "segments": rows(
            SegmentAssignment.objects.filter(member=member).order_by(
                "dimension", "valid_from"
            ),
            ["dimension", "segment", "rule", "features", "valid_from", "valid_to"],
        ),
        "churn_risk": rows(
            ChurnScore.objects.filter(member=member).order_by("-day")[:90],
            ["day", "risk", "factors", "source"],
        ),
        "recommendations": rows(
            Recommendation.objects.filter(member=member).order_by("kind", "rank"),
            ["kind", "title", "url", "score", "rank", "reason", "level", "computed_at"],
        ),
    }


def inferred_reset(member) -> None:
    reset_inferred(member)
    SegmentAssignment.objects.filter(member=member).delete()
    ChurnScore.objects.filter(member=member).delete()
    Recommendation.objects.filter(member=member).delete()


def paths_erase(member) -> None:
    for model in (
        MasteryEvidence,
        SkillMastery,
        KnowledgeState,
        SegmentAssignment,
        ChurnScore,
        Recommendation,
        RecommendationDismissal,
        SkillSelfAssessment,
        PlacementAttempt,
        LearningPath,
    ):
        model.objects.filter(member=member).delete()
    MentoringRequest.objects.filter(learner=member).exclude(message="").update(
        message=""
    )


register_exporter(
    "paths",
    paths_export,
    label=_("Goal, learning path and self-assessments"),
    purpose=_("To plan your path towards the goal you chose."),
    retention=_("Until you change them or delete your account."),
)
register_exporter(
    "inferred",
    inferred_export,
    label=_("Inferred data: mastery estimates, segments, churn risk, recommendations"),
    purpose=_(
        "Worked out from what you do, to adapt your path, recommend what to "
        "learn next (with the reason) and notice when you might drop out."
    ),
    retention=_(
        "Recomputed regularly; the last 90 days of churn risk are kept. You can "
        "reset it at any time; erased when you delete your account."
    ),
)
register_resetter("paths", inferred_reset)
register_eraser("paths", paths_erase)
