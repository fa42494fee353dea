"""Demo goals and paths for `make run` (wired into `seed_demo`): two career
tracks, a curated path page, and two learners who went through onboarding —
one aiming at a role, one following the curated path.

Deterministic and idempotent: tracks and pages are looked up by slug, and a
learner who already has a learning path is left alone."""

from django.db import transaction
from wagtail.models import Page, Site

from courses.models import CoursePage, Skill

from .models import CareerTrack, CuratedPathIndexPage, CuratedPathPage, LearningPath
from .services import (
    learning_profile_save,
    onboarding_finish,
    path_set_goal,
    self_assessment_save,
)

TRACKS = [
    {
        "slug": "data-analyst",
        "name": "Data analyst",
        "summary": "Turn raw tables into honest charts and clear answers.",
        "skills": ["data-wrangling", "descriptive-statistics", "data-visualisation"],
        "courses": [
            "python-for-data-analysis",
            "statistics-essentials",
            "data-visualisation-that-works",
        ],
    },
    {
        "slug": "front-end-developer",
        "name": "Front-end developer",
        "summary": "Build pages that load fast and that everyone can use.",
        "skills": ["html-css", "http-fundamentals", "web-accessibility"],
        "courses": [
            "html-and-css-from-scratch",
            "how-the-web-works",
            "accessible-web-interfaces",
        ],
    },
]

CURATED = {
    "slug": "from-spreadsheets-to-machine-learning",
    "title": "From spreadsheets to machine learning",
    "summary": "Three courses, in the order our instructors recommend, from your "
    "first Python loop to a model you can evaluate.",
    "steps": [
        ("python-for-data-analysis", "Start here: Python and pandas basics."),
        ("statistics-essentials", "The statistics every model rests on."),
        ("machine-learning-foundations", "Train and evaluate your first models."),
    ],
}

# Learners by e-mail (see members.demo): their onboarding answers and goal.
LEARNERS = [
    {
        "email": "linh.nguyen@lyceum.local",
        "profile": {
            "experience": "some",
            "weekly_minutes": 150,
            "preferred_formats": ["text", "hands-on"],
            "preferred_language": "en",
            "city": "Hanoi",
            "personalisation": "full",
            "interest_topic_slugs": ["data-science"],
        },
        "levels": {"python-basics": 3, "data-wrangling": 1},
        "goal": ("track", "data-analyst"),
    },
    {
        "email": "jonas.weber@lyceum.local",
        "profile": {
            "experience": "newcomer",
            "weekly_minutes": 90,
            "preferred_formats": [],
            "preferred_language": "de",
            "city": "Berlin",
            "personalisation": "full",
            "interest_topic_slugs": ["data-science", "design"],
        },
        "levels": {"python-basics": 0},
        "goal": ("curated", CURATED["slug"]),
    },
]


@transaction.atomic
def seed_paths(*, learners) -> dict:
    """Create the tracks, the curated path page and the demo learners' paths
    (once). Returns {"tracks", "curated", "paths"}."""
    courses = {c.slug: c for c in CoursePage.objects.all()}
    skills = {s.slug: s for s in Skill.objects.all()}
    tracks = [_track(spec, courses, skills) for spec in TRACKS]
    curated = _curated_page(courses)
    by_email = {learner.email: learner for learner in learners}
    paths = []
    for spec in LEARNERS:
        learner = by_email.get(spec["email"])
        if learner is None:
            continue
        existing = LearningPath.objects.filter(member=learner).first()
        paths.append(existing or _onboard(learner, spec, tracks, curated, skills))
    return {"tracks": tracks, "curated": curated, "paths": paths}


def _track(spec, courses, skills) -> CareerTrack:
    track = CareerTrack.objects.filter(slug=spec["slug"]).first()
    if track is not None:
        return track
    track = CareerTrack(slug=spec["slug"], name=spec["name"], summary=spec["summary"])
    track.skills = [skills[s] for s in spec["skills"] if s in skills]
    track.courses = [courses[c] for c in spec["courses"] if c in courses]
    track.save()
    return track


def _curated_page(courses) -> CuratedPathPage | None:
    page = CuratedPathPage.objects.filter(slug=CURATED["slug"]).first()
    if page is not None:
        return page
    index = CuratedPathIndexPage.objects.first()
    if index is None:
        site = Site.objects.filter(is_default_site=True).select_related("root_page")
        parent = site[0].root_page if site else Page.get_first_root_node()
        index = CuratedPathIndexPage(
            title="Learning paths",
            slug="learning-paths",
            intro="<p>Sequences our instructors recommend. Follow one and Lyceum "
            "leaves out what you already master.</p>",
        )
        parent.add_child(instance=index)
        index.save_revision().publish()
    steps = [
        {"type": "course", "value": {"page": courses[slug].pk, "note": note}}
        for slug, note in CURATED["steps"]
        if slug in courses
    ]
    if not steps:
        return None
    page = CuratedPathPage(
        title=CURATED["title"],
        slug=CURATED["slug"],
        summary=CURATED["summary"],
        steps=steps,
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return CuratedPathPage.objects.get(pk=page.pk)


def _onboard(learner, spec, tracks, curated, skills) -> LearningPath | None:
    from courses.models import Topic

    profile = dict(spec["profile"])
    slugs = profile.pop("interest_topic_slugs")
    profile["interest_topic_ids"] = list(
        Topic.objects.filter(slug__in=slugs).values_list("pk", flat=True)
    )
    learning_profile_save(member=learner, **profile)
    kind, slug = spec["goal"]
    if kind == "track":
        track = next((t for t in tracks if t.slug == slug), None)
        if track is None:
            return None
        path = path_set_goal(member=learner, kind="track", track=track)
    else:
        if curated is None:
            return None
        path = path_set_goal(member=learner, kind="curated", curated=curated)
    self_assessment_save(
        member=learner,
        levels={
            skills[s].pk: level for s, level in spec["levels"].items() if s in skills
        },
    )
    onboarding_finish(member=learner)
    return LearningPath.objects.get(pk=path.pk)
