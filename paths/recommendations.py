"""Recommendations on the site: the catalogue and the activity log turned into
the engine's arrays (a bounded number of queries), the nightly fit, each
member's list precomputed into `Recommendation` rows, and serving them with one
query. The maths is `paths.engine.recommend`; see docs/RECOMMENDER.md.

Personalisation levels (members.LearningProfile.personalisation):

- off: `recommend_off` with popularity only; nothing about the member is read
  except what permission needs (their private groups, their dismissals).
- basic: declared data only (interests, city, experience, goal and
  self-assessment); never the activity log, enrolments or mastery estimates.
- full: also their own activity and their mastery estimates.

Members whose level is not "full" are also left out of the data the model is
fitted on, so their behaviour is not used for anyone."""

import datetime
import io
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from activity.models import Activity
from courses.models import CoursePage, EventPage, LessonPage, Skill, Topic
from forum.models import Board, Group, GroupMembership
from members.models import LearningProfile

from . import mastery as mastery_api
from .engine.recommend import (
    CURATED,
    EXPLORE,
    MATCHES_INTEREST,
    POPULAR,
    POPULAR_IN_SEGMENT,
    SIMILAR_TO,
    SKILL_GAP,
    MemberBehaviour,
    MemberProfile,
    RecommenderModel,
    build_content_model,
    fit_recommender,
    recommend,
    skill_token,
)
from .models import (
    LearningPath,
    Recommendation,
    RecommendationDismissal,
    RecommendationKind,
    RecommenderFit,
)

Personalisation = LearningProfile.Personalisation
Kind = RecommendationKind
CONTENT_KINDS = (
    Kind.COURSE,
    Kind.LESSON,
    Kind.ARTICLE,
    Kind.EVENT,
    Kind.BOARD,
    Kind.GROUP,
)
PER_KIND = 5  # items kept per kind and member
HISTORY_DAYS = 365  # the fit and a member's behaviour read this far back
KEEP_FITS = 3
NEAR_YOU = "near_you"  # site reason: an event in the member's city
# (verb, object type) → the item kind it is evidence of interest in.
EVIDENCE = {
    ("registered", "course"): Kind.COURSE,
    ("completed", "course"): Kind.COURSE,
    ("rated", "course"): Kind.COURSE,
    ("launched", "lesson"): Kind.LESSON,
    ("completed", "lesson"): Kind.LESSON,
    ("experienced", "lesson"): Kind.LESSON,
    ("experienced", "article"): Kind.ARTICLE,
    ("shared", "article"): Kind.ARTICLE,
    ("registered", "event"): Kind.EVENT,
    ("attended", "event"): Kind.EVENT,
    ("joined", "group"): Kind.GROUP,
    ("followed", "board"): Kind.BOARD,
    ("created", "topic"): Kind.BOARD,  # the topic's board (context board_id)
    ("replied", "post"): Kind.BOARD,
}
EVIDENCE_VERBS = sorted({verb for verb, _ in EVIDENCE})
ERRORS = {
    "unknown": _("That recommendation does not exist."),
}


def item_key(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


def split_key(key: str) -> tuple[str, int]:
    kind, pk = key.split(":", 1)
    return kind, int(pk)


# Catalogue ---------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    kind: str
    pk: int
    title: str
    url: str
    tokens: tuple[str, ...] = ()
    group_id: int | None = None  # a private group: only its members may see it
    city: str = ""


@dataclass
class SiteCatalogue:
    """Every recommendable content item now published, with its tokens."""

    items: dict[str, Item]
    topic_names: dict[int, str]
    skill_names: dict[int, str]

    def keys_of(self, kind: str) -> list[str]:
        return [k for k, item in self.items.items() if item.kind == kind]


def _relative(url_path: str, roots) -> str:
    for root in roots:
        if url_path.startswith(root.root_path):
            return url_path[len(root.root_path) - 1 :]
    return ""


def _pairs(queryset) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for owner, value in queryset:
        out[owner].append(value)
    return out


def site_catalogue(now: datetime.datetime | None = None) -> SiteCatalogue:
    """Published courses, lessons, articles, upcoming events, open boards and
    public groups, with skill/topic/tag/city tokens. A fixed number of queries
    (about a dozen) whatever the catalogue's size."""
    from website.models import ArticlePage, ArticlePageTag

    now = now or timezone.now()
    roots = Site.get_site_root_paths()
    items: dict[str, Item] = {}
    course_skills = _pairs(
        CoursePage.skills.through.objects.values_list("coursepage_id", "skill_id")
    )
    courses = {
        pk: (title, url_path, topic)
        for pk, title, url_path, topic in CoursePage.objects.live()
        .public()
        .values_list("pk", "title", "url_path", "topic_id")
    }

    def course_tokens(course_id) -> list[str]:
        if course_id not in courses:
            return []
        topic = courses[course_id][2]
        tokens = [skill_token(s) for s in course_skills.get(course_id, ())]
        return tokens + ([f"topic:{topic}"] if topic else [])

    for pk, (title, url_path, _topic) in courses.items():
        items[item_key(Kind.COURSE, pk)] = Item(
            Kind.COURSE, pk, title, _relative(url_path, roots), tuple(course_tokens(pk))
        )
    lesson_skills = _pairs(
        LessonPage.skills.through.objects.values_list("lessonpage_id", "skill_id")
    )
    course_by_path = {
        path: pk
        for pk, path in CoursePage.objects.filter(pk__in=courses).values_list(
            "pk", "path"
        )
    }
    steplen = LessonPage.steplen
    for pk, title, url_path, path in (
        LessonPage.objects.live()
        .public()
        .values_list("pk", "title", "url_path", "path")
    ):
        course_id = course_by_path.get(path[: -2 * steplen])
        if course_id is None:
            continue  # outside a published course
        tokens = [skill_token(s) for s in lesson_skills.get(pk, ())]
        topic = courses[course_id][2]
        tokens += [f"topic:{topic}"] if topic else []
        items[item_key(Kind.LESSON, pk)] = Item(
            Kind.LESSON, pk, title, _relative(url_path, roots), tuple(tokens)
        )
    tags = _pairs(ArticlePageTag.objects.values_list("content_object_id", "tag__name"))
    for pk, title, url_path in (
        ArticlePage.objects.live().public().values_list("pk", "title", "url_path")
    ):
        tokens = tuple(f"tag:{t.strip().lower()}" for t in tags.get(pk, ()))
        items[item_key(Kind.ARTICLE, pk)] = Item(
            Kind.ARTICLE, pk, title, _relative(url_path, roots), tokens
        )
    for pk, title, url_path, course_id, city in (
        EventPage.objects.live()
        .public()
        .filter(ends_at__gte=now, registration_open=True)
        .values_list("pk", "title", "url_path", "course_id", "city")
    ):
        tokens = course_tokens(course_id)
        city = (city or "").strip()
        tokens += [f"city:{city.lower()}"] if city else ["format:online"]
        items[item_key(Kind.EVENT, pk)] = Item(
            Kind.EVENT, pk, title, _relative(url_path, roots), tuple(tokens), city=city
        )
    for pk, name, slug, course_id, group_id, visibility in Board.objects.filter(
        is_archived=False
    ).values_list("pk", "name", "slug", "course_id", "group_id", "group__visibility"):
        private = group_id is not None and visibility == Group.Visibility.PRIVATE
        items[item_key(Kind.BOARD, pk)] = Item(
            Kind.BOARD,
            pk,
            name,
            reverse("forum:board", kwargs={"slug": slug}),
            tuple(course_tokens(course_id)),
            group_id=group_id if private else None,
        )
    group_courses = _pairs(
        Group.courses.through.objects.values_list("group_id", "coursepage_id")
    )
    # Private groups are never suggested: their members are in them already.
    for pk, name, slug in Group.objects.filter(
        visibility=Group.Visibility.PUBLIC
    ).values_list("pk", "name", "slug"):
        tokens = sorted(
            {t for c in group_courses.get(pk, ()) for t in course_tokens(c)}
        )
        items[item_key(Kind.GROUP, pk)] = Item(
            Kind.GROUP,
            pk,
            name,
            reverse("forum:group", kwargs={"slug": slug}),
            tuple(tokens),
        )
    return SiteCatalogue(
        items=items,
        topic_names=dict(Topic.objects.values_list("pk", "name")),
        skill_names=dict(Skill.objects.values_list("pk", "name")),
    )


# The activity log as interactions ------------------------------------------------


def _evidence_rows(activities) -> Iterable[tuple[int, str]]:
    """(member, item key) for each activity that shows interest in an item."""
    for actor, verb, object_type, object_id, board_id in activities:
        kind = EVIDENCE.get((verb, object_type))
        if kind is None:
            continue
        if kind == Kind.BOARD and object_type != "board":
            if not isinstance(board_id, int):
                continue
            yield actor, item_key(Kind.BOARD, board_id)
            continue
        try:
            yield actor, item_key(kind, int(object_id))
        except (TypeError, ValueError):
            continue


def _evidence_query(since: datetime.datetime):
    return Activity.objects.filter(
        verb__in=EVIDENCE_VERBS, timestamp__gte=since
    ).values_list("actor_id", "verb", "object_type", "object_id", "context__board_id")


def not_full_member_ids():
    """Members who did not choose "full": their activity is used for nobody."""
    return LearningProfile.objects.exclude(personalisation=Personalisation.FULL).values(
        "user_id"
    )


def platform_interactions(
    *, now: datetime.datetime | None = None
) -> dict[int, dict[str, int]]:
    """member → {item key: interactions} from the activity log of the last
    year, for members at "full" only. One query, streamed."""
    since = (now or timezone.now()) - datetime.timedelta(days=HISTORY_DAYS)
    rows = _evidence_query(since).exclude(actor_id__in=not_full_member_ids())
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for member, key in _evidence_rows(rows.iterator(chunk_size=5000)):
        out[member][key] = out[member].get(key, 0) + 1
    return out


def member_interactions(member, *, now=None) -> dict[str, int]:
    """The member's own {item key: interactions} (one query). Only for "full"."""
    since = (now or timezone.now()) - datetime.timedelta(days=HISTORY_DAYS)
    out: dict[str, int] = {}
    for _member, key in _evidence_rows(_evidence_query(since).filter(actor=member)):
        out[key] = out.get(key, 0) + 1
    return out


# Fitting ---------------------------------------------------------------------


def _model_from(catalogue: SiteCatalogue, interactions, segments: dict[int, str]):
    keys = sorted(catalogue.items)
    col = {k: j for j, k in enumerate(keys)}
    members = sorted(interactions)
    rows, cols, values = [], [], []
    for r, member in enumerate(members):
        for key, n in interactions[member].items():
            if key in col:
                rows.append(r)
                cols.append(col[key])
                values.append(1.0 + np.log(n))
    matrix = sp.csr_matrix(
        (values, (rows, cols)), shape=(len(members), len(keys)), dtype=np.float32
    )
    content = build_content_model(
        [list(catalogue.items[k].tokens) for k in keys],
        texts=[catalogue.items[k].title for k in keys],
    )
    model = fit_recommender(
        matrix,
        item_ids=np.asarray(keys),
        content=content,
        member_segments=[segments.get(m) for m in members],
    )
    return model, len(members), int(matrix.nnz)


def recommender_fit(*, now=None) -> RecommenderFit:
    """Fit on the published catalogue and the activity log of "full" members;
    store the model (only the latest few fits are kept)."""
    started = time.perf_counter()
    catalogue = site_catalogue(now)
    interactions = platform_interactions(now=now)
    segments = dict(
        LearningProfile.objects.filter(user_id__in=list(interactions)).values_list(
            "user_id", "experience"
        )
    )
    model, n_members, nnz = _model_from(catalogue, interactions, segments)
    with tempfile.NamedTemporaryFile(suffix=".npz") as handle:
        model.save(handle.name)
        data = Path(handle.name).read_bytes()
    fit = RecommenderFit.objects.create(
        n_members=n_members,
        n_items=len(catalogue.items),
        n_interactions=nnz,
        fit_seconds=round(time.perf_counter() - started, 3),
        data=data,
    )
    stale = RecommenderFit.objects.order_by("-created_at", "-pk").values_list(
        "pk", flat=True
    )[KEEP_FITS:]
    RecommenderFit.objects.filter(pk__in=list(stale)).delete()
    _loaded.clear()
    return fit


_loaded: dict[int, RecommenderModel] = {}


def active_model() -> tuple[int, RecommenderModel] | None:
    """The latest fit, loaded once per process."""
    pk = (
        RecommenderFit.objects.order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        return None
    if pk not in _loaded:
        data = RecommenderFit.objects.values_list("data", flat=True).get(pk=pk)
        _loaded.clear()
        _loaded[pk] = RecommenderModel.load(io.BytesIO(bytes(data)))
    return pk, _loaded[pk]


# One member's list ---------------------------------------------------------------


@dataclass
class MemberInputs:
    """What the member's level lets the engine see."""

    level: str
    profile: MemberProfile | None = None
    behaviour: MemberBehaviour | None = None
    gaps: dict[int, float] = field(default_factory=dict)  # skill → 1 − mastery
    mastery: dict[int, float] = field(default_factory=dict)
    goal_skills: tuple[int, ...] = ()
    city: str = ""
    excluded: set[str] = field(default_factory=set)


def _goal_skills(member, profile: LearningProfile) -> tuple[int, ...]:
    from .selectors import planning_catalogue
    from .services import goal_spec

    path = (
        LearningPath.objects.filter(member=member)
        .select_related("goal_course", "goal_track", "goal_curated")
        .first()
    )
    if path is None:
        return ()
    return goal_spec(path, planning_catalogue(), profile.personalisation).skills


def member_inputs(member, profile: LearningProfile) -> MemberInputs:
    """Read only what the member's level allows (see the module docstring)."""
    from .selectors import placement_results, self_assessed_levels
    from .services import stated_mastery

    level = profile.personalisation
    dismissed = {
        item_key(kind, pk)
        for kind, pk in RecommendationDismissal.objects.filter(
            member=member
        ).values_list("kind", "item_id")
    }
    if level == Personalisation.OFF:
        return MemberInputs(level=level, excluded=dismissed)
    goal = _goal_skills(member, profile)
    if level == Personalisation.FULL:
        mastery = mastery_api.mastery_map(member, goal) if goal else {}
    else:
        mastery = stated_mastery(
            self_assessed_levels(member, goal), placement_results(member)
        )
    threshold = mastery_api.mastery_threshold()
    gaps = {
        s: round(1.0 - mastery.get(s, 0.0), 4)
        for s in goal
        if mastery.get(s, 0.0) < threshold
    }
    interests = {f"topic:{t}": 1.0 for t in profile.interest_topic_ids or ()}
    city = (profile.city or "").strip()
    if city:
        interests[f"city:{city.lower()}"] = 1.0
    inputs = MemberInputs(
        level=level,
        gaps=gaps,
        mastery={s: mastery.get(s, 0.0) for s in goal},
        goal_skills=goal,
        city=city,
        excluded=dismissed,
    )
    inputs.profile = MemberProfile(
        segment=profile.experience,
        interests=interests,
        skill_gaps=gaps,
        exclude=sorted(dismissed),
    )
    if level == Personalisation.FULL:
        history = member_interactions(member)
        keys = sorted(history)
        inputs.behaviour = MemberBehaviour(
            items=keys, weights=[1.0 + np.log(history[k]) for k in keys]
        )
    return inputs


def _event_allowed(item: Item, city: str) -> bool:
    """Events online, or in the member's city when they gave one."""
    return not item.city or not city or item.city.lower() == city.lower()


def _candidates(catalogue: SiteCatalogue, kind: str, inputs: MemberInputs, own_groups):
    keys = []
    for key in catalogue.keys_of(kind):
        item = catalogue.items[key]
        if item.group_id is not None and item.group_id not in own_groups:
            continue  # a private group's board: members only
        if kind == Kind.GROUP and item.pk in own_groups:
            continue
        if kind == Kind.EVENT and not _event_allowed(item, inputs.city):
            continue
        if key in inputs.excluded:
            continue
        keys.append(key)
    return keys


def _describe(reason: dict, item: Item, catalogue, inputs: MemberInputs) -> dict:
    """The engine's reason with the names the sentence needs, resolved now so
    serving reads nothing else."""
    out = dict(reason)
    kind = reason.get("kind")
    if kind == SIMILAR_TO:
        other = catalogue.items.get(str(reason.get("item")))
        if other is None:
            return {"kind": POPULAR}
        out.update(item_title=other.title, item_kind=other.kind)
    elif kind == SKILL_GAP:
        skill = reason.get("skill")
        out.update(
            skill_name=catalogue.skill_names.get(skill, ""),
            mastery=round(inputs.mastery.get(skill, 0.0), 2),
        )
    elif kind == MATCHES_INTEREST:
        feature = str(reason.get("feature", ""))
        prefix, _sep, value = feature.partition(":")
        if prefix == "topic" and value.isdigit():
            out["label"] = catalogue.topic_names.get(int(value), "")
        elif prefix == "skill" and value.isdigit():
            out["label"] = catalogue.skill_names.get(int(value), "")
        elif prefix == "city":
            return {"kind": NEAR_YOU, "city": item.city}
        else:
            out["label"] = value
    if item.kind == Kind.EVENT and item.city and kind in (POPULAR, POPULAR_IN_SEGMENT):
        if inputs.city and item.city.lower() == inputs.city.lower():
            return {"kind": NEAR_YOU, "city": item.city}
    return out


def compute_recommendations(
    member,
    *,
    profile: LearningProfile,
    catalogue: SiteCatalogue,
    model: RecommenderModel,
    people: "PeopleCatalogues | None" = None,
    today: datetime.date | None = None,
) -> list[dict]:
    """The member's rows (not saved): up to PER_KIND per kind."""
    inputs = member_inputs(member, profile)
    own_groups = set(
        GroupMembership.objects.filter(
            member=member, status=GroupMembership.Status.ACTIVE
        ).values_list("group_id", flat=True)
    )
    today = today or timezone.localdate()
    # "off" must not depend on the member: the same seed for everyone today.
    seed = today.toordinal() if inputs.level == Personalisation.OFF else member.pk
    rows = []
    for kind in CONTENT_KINDS:
        candidates = _candidates(catalogue, kind, inputs, own_groups)
        if not candidates:
            continue
        recs = recommend(
            model,
            level=inputs.level,
            profile=inputs.profile,
            behaviour=inputs.behaviour,
            candidates=candidates,
            k=PER_KIND,
            seed=seed,
        )
        for rank, rec in enumerate(recs, start=1):
            item = catalogue.items[str(rec.item)]
            rows.append(
                {
                    "kind": kind,
                    "item_id": item.pk,
                    "title": item.title[:255],
                    "url": item.url,
                    "group_id": item.group_id,
                    "score": rec.score,
                    "rank": rank,
                    "reason": _describe(rec.reason, item, catalogue, inputs),
                }
            )
    if inputs.level != Personalisation.OFF:
        people = people or people_catalogues()
        rows += _people_rows(member, inputs, people)
    return rows


def recommendations_refresh(
    *, member, catalogue: SiteCatalogue | None = None, people=None, now=None
) -> int:
    """Recompute and store the member's list (replacing the previous one in
    one transaction). The same state gives the same rows. Returns their count."""
    loaded = active_model()
    if loaded is None:
        recommender_fit(now=now)
        loaded = active_model()
    version, model = loaded
    profile = LearningProfile.objects.filter(user=member).first() or LearningProfile(
        user=member
    )
    rows = compute_recommendations(
        member,
        profile=profile,
        catalogue=catalogue or site_catalogue(now),
        model=model,
        people=people,
    )
    now = now or timezone.now()
    with transaction.atomic():
        Recommendation.objects.filter(member=member).delete()
        Recommendation.objects.bulk_create(
            Recommendation(
                member=member,
                level=profile.personalisation,
                model_version=version,
                computed_at=now,
                **row,
            )
            for row in rows
        )
    return len(rows)


def recommendations_refresh_all(*, now=None, chunk: int = 500) -> int:
    """Nightly: fit, then every active member's list."""
    recommender_fit(now=now)
    catalogue = site_catalogue(now)
    people = people_catalogues()
    members = get_user_model().objects.filter(is_active=True).order_by("pk")
    done = last = 0
    while batch := list(members.filter(pk__gt=last)[:chunk]):
        for member in batch:
            recommendations_refresh(
                member=member, catalogue=catalogue, people=people, now=now
            )
            done += 1
        last = batch[-1].pk
    return done


def recommendation_dismiss(*, member, kind: str, item_id: int) -> None:
    """ "Not interested": remembered, and the item leaves the list now."""
    if kind not in Kind.values or not isinstance(item_id, int) or item_id <= 0:
        raise ValidationError(ERRORS["unknown"], code="unknown")
    with transaction.atomic():
        deleted, _rows = Recommendation.objects.filter(
            member=member, kind=kind, item_id=item_id
        ).delete()
        if not deleted:
            raise ValidationError(ERRORS["unknown"], code="unknown")
        RecommendationDismissal.objects.get_or_create(
            member=member, kind=kind, item_id=item_id
        )


# People: mentors and peers -------------------------------------------------------


@dataclass
class PeopleCatalogues:
    """Members who offer mentoring (tokens: the skills they master) and members
    with a goal (tokens: the goal's skills), as fitted engine catalogues."""

    mentors: RecommenderModel | None
    peers: RecommenderModel | None
    names: dict[int, str]
    urls: dict[int, str]


def _people_model(tokens: dict[int, list[str]]) -> RecommenderModel | None:
    if not tokens:
        return None
    ids = sorted(tokens)
    content = build_content_model([tokens[i] for i in ids])
    empty = sp.csr_matrix((0, len(ids)), dtype=np.float32)
    return fit_recommender(empty, item_ids=np.asarray(ids), content=content)


def people_catalogues() -> PeopleCatalogues:
    """A fixed number of queries: mentors who opted in and their mastered
    skills; members at "basic" or "full" with a path and its goal skills."""
    from .models import SkillMastery

    users = get_user_model().objects.filter(is_active=True)
    mentor_ids = set(
        LearningProfile.objects.filter(
            mentoring_available=True, user__in=users
        ).values_list("user_id", flat=True)
    )
    threshold = mastery_api.mastery_threshold()
    mentor_tokens: dict[int, list[str]] = defaultdict(list)
    for member_id, skill_id in SkillMastery.objects.filter(
        member_id__in=mentor_ids, probability__gte=threshold
    ).values_list("member_id", "skill_id"):
        mentor_tokens[member_id].append(skill_token(skill_id))
    peer_tokens: dict[int, list[str]] = defaultdict(list)
    open_paths = LearningPath.objects.filter(member__in=users).exclude(
        member_id__in=LearningProfile.objects.filter(
            personalisation=Personalisation.OFF
        ).values("user_id")
    )
    for member_id, skill_id in open_paths.filter(goal_skills__isnull=False).values_list(
        "member_id", "goal_skills"
    ):
        peer_tokens[member_id].append(skill_token(skill_id))
    for goal in ("goal_course__skills", "goal_track__skills"):
        for member_id, skill_id in open_paths.filter(
            **{f"{goal}__isnull": False}
        ).values_list("member_id", goal):
            peer_tokens[member_id].append(skill_token(skill_id))
    everyone = set(mentor_tokens) | set(peer_tokens)
    names, urls = {}, {}
    for user in users.filter(pk__in=everyone).only(
        "pk", "display_name", "first_name", "last_name", "username"
    ):
        names[user.pk] = user.name
        urls[user.pk] = reverse("forum:member", kwargs={"username": user.username})
    return PeopleCatalogues(
        mentors=_people_model(dict(mentor_tokens)),
        peers=_people_model(dict(peer_tokens)),
        names=names,
        urls=urls,
    )


def _people_rows(member, inputs: MemberInputs, people: PeopleCatalogues) -> list[dict]:
    rows = []
    goal = {skill_token(s): 1.0 for s in inputs.goal_skills}
    for kind, model, profile in (
        (Kind.MENTOR, people.mentors, MemberProfile(skill_gaps=inputs.gaps)),
        (Kind.PEER, people.peers, MemberProfile(interests=goal)),
    ):
        if model is None or not (profile.skill_gaps or profile.interests):
            continue
        candidates = [
            i
            for i in model.catalogue.item_ids.tolist()
            if i != member.pk and item_key(kind, i) not in inputs.excluded
        ]
        recs = recommend(
            model,
            level="basic",
            profile=profile,
            candidates=candidates,
            k=PER_KIND,
            seed=member.pk,
        )
        rank = 0
        for rec in recs:
            reason = rec.reason
            # Only people who match: a mentor for a gap, a peer sharing a goal skill.
            if reason.get("kind") not in (SKILL_GAP, MATCHES_INTEREST):
                continue
            rank += 1
            if reason["kind"] == SKILL_GAP:
                skill = reason["skill"]
                described = {
                    "kind": "mentor_for",
                    "skill": skill,
                    "skill_name": _skill_name(skill),
                    "mastery": round(inputs.mastery.get(skill, 0.0), 2),
                }
            else:
                skill = int(str(reason["feature"]).split(":", 1)[1])
                described = {
                    "kind": "same_goal",
                    "skill": skill,
                    "skill_name": _skill_name(skill),
                }
            rows.append(
                {
                    "kind": kind,
                    "item_id": int(rec.item),
                    "title": people.names.get(int(rec.item), "")[:255],
                    "url": people.urls.get(int(rec.item), ""),
                    "group_id": None,
                    "score": rec.score,
                    "rank": rank,
                    "reason": described,
                }
            )
    return rows


_skill_names: dict[int, str] = {}


def _skill_name(skill_id: int) -> str:
    if skill_id not in _skill_names:
        _skill_names.update(Skill.objects.values_list("pk", "name"))
    return _skill_names.get(skill_id, "")


# Serving -----------------------------------------------------------------------


def recommendations_for(member) -> list[Recommendation]:
    """The member's stored list, in one query: only rows computed at their
    current personalisation level, and private-group items only while they are
    in the group."""
    current = Coalesce(
        Subquery(
            LearningProfile.objects.filter(user_id=member.pk).values("personalisation")[
                :1
            ]
        ),
        Value(Personalisation.FULL),
    )
    mine = GroupMembership.objects.filter(
        member_id=member.pk, status=GroupMembership.Status.ACTIVE
    ).values("group_id")
    return list(
        Recommendation.objects.filter(member_id=member.pk, level=current)
        .filter(Q(group__isnull=True) | Q(group_id__in=mine))
        .order_by("kind", "rank")
        .only("kind", "item_id", "title", "url", "rank", "reason", "computed_at")
    )


SIMILAR_PHRASES = {
    Kind.COURSE: gettext_noop("Because you took “%(title)s”"),
    Kind.LESSON: gettext_noop("Because you studied “%(title)s”"),
    Kind.ARTICLE: gettext_noop("Because you read “%(title)s”"),
    Kind.EVENT: gettext_noop("Because you went to “%(title)s”"),
    Kind.BOARD: gettext_noop("Because you took part in “%(title)s”"),
    Kind.GROUP: gettext_noop("Because you joined “%(title)s”"),
}


def reason_text(reason: dict) -> str:
    """The "why this?" sentence, in the reader's language."""
    kind = reason.get("kind")
    if kind == SIMILAR_TO:
        phrase = SIMILAR_PHRASES.get(
            reason.get("item_kind"), gettext_noop("Because of “%(title)s”")
        )
        return gettext(phrase) % {"title": reason.get("item_title", "")}
    if kind == SKILL_GAP:
        return gettext("Fills a gap in %(skill)s (your mastery %(mastery).2f)") % {
            "skill": reason.get("skill_name", ""),
            "mastery": float(reason.get("mastery") or 0.0),
        }
    if kind == MATCHES_INTEREST:
        return gettext("Matches your interest in %(label)s") % {
            "label": reason.get("label", "")
        }
    if kind == NEAR_YOU:
        return gettext("Near you in %(city)s") % {"city": reason.get("city", "")}
    if kind == POPULAR_IN_SEGMENT:
        return gettext("Popular with learners like you")
    if kind == CURATED:
        return gettext("Picked by the Lyceum team")
    if kind == EXPLORE:
        return gettext("Something different to explore")
    if kind == "mentor_for":
        return gettext(
            "Masters %(skill)s, which you are learning (your mastery %(mastery).2f)"
        ) % {
            "skill": reason.get("skill_name", ""),
            "mastery": float(reason.get("mastery") or 0.0),
        }
    if kind == "same_goal":
        return gettext("Also working towards %(skill)s") % {
            "skill": reason.get("skill_name", "")
        }
    return gettext("Popular on Lyceum")
