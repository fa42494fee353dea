"""The planner on small graphs: closure, order, content choice, weeks,
re-planning (remediation, mastery, new content) and the learner's decisions."""

from paths.engine.planner import (
    CONFIRM,
    CURATED,
    EXPERIENCED,
    LEARNER,
    NEWCOMER,
    PLAN,
    QUIZ,
    REMEDIATION,
    Decisions,
    Failure,
    Item,
    PlanRequest,
    Preferences,
    learning_order,
    plan,
    prerequisite_closure,
)

# Skills: 1 Python basics → 2 Data wrangling → 4 Data analysis ← 3 Statistics
PYTHON, WRANGLING, STATS, ANALYSIS = 1, 2, 3, 4
PREREQUISITES = {WRANGLING: [PYTHON], ANALYSIS: [WRANGLING, STATS]}


def items():
    return [
        # Course 10 (beginner): Python.
        Item(101, skills=(PYTHON,), difficulty=1, minutes=30, group=10, sequence=1),
        Item(102, QUIZ, (PYTHON,), difficulty=1, minutes=20, group=10, sequence=2),
        # Course 20: wrangling.
        Item(201, skills=(WRANGLING,), difficulty=2, minutes=40, group=20, sequence=1),
        Item(202, QUIZ, (WRANGLING,), difficulty=2, minutes=20, group=20, sequence=2),
        # Course 30: statistics (video).
        Item(
            301,
            skills=(STATS,),
            difficulty=1,
            minutes=30,
            group=30,
            sequence=1,
            formats=frozenset({"video"}),
        ),
        # Course 40 (intermediate): analysis, its quiz also asks about wrangling.
        Item(401, skills=(ANALYSIS,), difficulty=2, minutes=45, group=40, sequence=1),
        Item(
            402,
            QUIZ,
            (ANALYSIS, WRANGLING),
            difficulty=3,
            minutes=30,
            group=40,
            sequence=2,
        ),
        # Course 50: a short Python refresher, the easiest there is.
        Item(501, skills=(PYTHON,), difficulty=1, minutes=10, group=50, sequence=1),
    ]


def request(**kwargs):
    kwargs.setdefault("goal_skills", [ANALYSIS])
    kwargs.setdefault("prerequisites", PREREQUISITES)
    kwargs.setdefault("items", items())
    kwargs.setdefault("preferences", Preferences(weekly_minutes=600))
    return PlanRequest(**kwargs)


def ids(result):
    return [step.item for step in result.steps]


# The graph -----------------------------------------------------------------------


def test_closure_gives_every_needed_skill_with_its_shortest_chain():
    chains = prerequisite_closure([ANALYSIS], PREREQUISITES)
    assert chains == {
        ANALYSIS: (ANALYSIS,),
        STATS: (ANALYSIS, STATS),
        WRANGLING: (ANALYSIS, WRANGLING),
        PYTHON: (ANALYSIS, WRANGLING, PYTHON),
    }


def test_closure_survives_a_loop_in_the_data():
    chains = prerequisite_closure([1], {1: [2], 2: [3], 3: [1]})
    assert set(chains) == {1, 2, 3}
    assert chains[3] == (1, 2, 3)


def test_learning_order_puts_prerequisites_first_and_easier_skills_earlier():
    order = learning_order(
        [ANALYSIS, STATS, WRANGLING, PYTHON],
        PREREQUISITES,
        {PYTHON: 1, STATS: 1.5, WRANGLING: 2, ANALYSIS: 2},
    )
    assert order.index(PYTHON) < order.index(WRANGLING) < order.index(ANALYSIS)
    assert order.index(STATS) < order.index(ANALYSIS)
    # Python (difficulty 1) goes before statistics (1.5): both are free at once.
    assert order[:2] == [PYTHON, STATS]


def test_learning_order_breaks_a_loop_instead_of_dropping_skills():
    order = learning_order([1, 2, 3], {1: [2], 2: [3], 3: [1]}, {1: 1, 2: 2, 3: 3})
    assert sorted(order) == [1, 2, 3]


# Planning ------------------------------------------------------------------------


def test_a_fresh_learner_gets_every_prerequisite_in_order_with_reasons():
    result = plan(request())
    order = ids(result)
    assert order.index(101) < order.index(201) < order.index(401)
    assert order.index(301) < order.index(401)
    assert 501 not in order  # one course per skill: the fuller Python course
    first = result.steps[0]
    assert first.item == 101 and first.origin == PLAN
    assert first.reason == {"chain": [ANALYSIS, WRANGLING, PYTHON], "mastery": 0.0}
    assert result.needed[-1] == ANALYSIS
    assert result.uncovered == ()


def test_mastered_skills_are_dropped_and_reported():
    result = plan(request(mastery={PYTHON: 0.97, STATS: 0.2}))
    assert not {101, 102, 501} & set(ids(result))
    assert result.mastered == {PYTHON: 0.97}
    stats_step = next(s for s in result.steps if s.item == 301)
    assert stats_step.reason["mastery"] == 0.2


def test_the_threshold_decides_what_counts_as_mastered():
    python = {101, 102, 501}
    assert python & set(ids(plan(request(mastery={PYTHON: 0.9}, threshold=0.95))))
    assert not python & set(ids(plan(request(mastery={PYTHON: 0.9}, threshold=0.85))))


def test_partly_known_skill_gets_only_the_quiz_to_confirm_it():
    result = plan(request(mastery={PYTHON: 0.8}))
    python_steps = [s for s in result.steps if s.skill == PYTHON]
    assert [(s.item, s.origin) for s in python_steps] == [(102, CONFIRM)]


def test_experienced_learner_confirms_earlier_and_gets_advanced_content():
    novice = plan(request(mastery={PYTHON: 0.5}))
    expert = plan(
        request(
            mastery={PYTHON: 0.5},
            preferences=Preferences(weekly_minutes=600, experience=EXPERIENCED),
        )
    )
    assert 101 in ids(novice)
    assert [s.item for s in expert.steps if s.skill == PYTHON] == [102]


def test_format_preferences_choose_the_course_and_flag_a_fallback():
    extra = Item(
        302,
        skills=(STATS,),
        difficulty=1,
        minutes=30,
        group=31,
        formats=frozenset({"text"}),
    )
    prefs = Preferences(weekly_minutes=600, formats=frozenset({"text"}))
    result = plan(request(items=[*items(), extra], preferences=prefs))
    assert 302 in ids(result) and 301 not in ids(result)

    only_video = plan(request(preferences=prefs))  # statistics only on video
    stats = next(s for s in only_video.steps if s.item == 301)
    assert stats.reason["format_fallback"] is True


def test_goal_course_lessons_are_preferred():
    result = plan(request(goal_skills=[PYTHON], preferred_groups=frozenset({50})))
    assert ids(result) == [501]


def test_a_skill_no_item_teaches_is_reported_uncovered():
    result = plan(request(items=[i for i in items() if STATS not in i.skills]))
    assert STATS in result.uncovered


def test_a_skill_whose_items_are_all_done_is_reported_exhausted():
    result = plan(request(done=frozenset({301})))
    assert STATS in result.exhausted and STATS not in result.uncovered


# Weeks and time budget -------------------------------------------------------------


def test_steps_fill_weeks_within_the_budget_and_give_an_eta():
    result = plan(request(preferences=Preferences(weekly_minutes=60)))
    weeks = {}
    for step in result.steps:
        weeks.setdefault(step.week, 0)
        weeks[step.week] += step.minutes
    assert all(minutes <= 60 for minutes in weeks.values())
    assert result.eta_weeks == max(weeks) + 1
    assert [m.week for m in result.milestones] == sorted(weeks)
    # Python is finished in the week of its last step (the quiz).
    quiz_week = next(s.week for s in result.steps if s.item == 102)
    milestone = next(m for m in result.milestones if m.week == quiz_week)
    assert PYTHON in milestone.skills


def test_time_spent_this_week_counts_against_it():
    fresh = plan(request(preferences=Preferences(weekly_minutes=60)))
    busy = plan(request(preferences=Preferences(weekly_minutes=60), spent_minutes=50))
    assert [s for s in busy.steps if s.week == 0] == []
    assert busy.eta_weeks > fresh.eta_weeks
    gentle = Preferences(weekly_minutes=600, experience=NEWCOMER)
    assert not [
        s for s in plan(request(preferences=gentle, spent_steps=3)).steps if s.week == 0
    ]


def test_a_step_longer_than_a_week_takes_whole_weeks():
    long = [
        Item(1, skills=(PYTHON,), minutes=300, group=1, sequence=1),
        Item(2, skills=(PYTHON,), group=1, sequence=2),
    ]
    result = plan(
        request(
            goal_skills=[PYTHON],
            items=long,
            preferences=Preferences(weekly_minutes=120),
        )
    )
    assert [(s.item, s.week) for s in result.steps] == [(1, 0), (2, 3)]
    assert result.eta_weeks == 4


def test_a_newcomer_starts_gently():
    many = [
        Item(n, skills=(PYTHON,), minutes=10, group=1, sequence=n) for n in range(1, 9)
    ]
    prefs = Preferences(weekly_minutes=60, experience=NEWCOMER)
    result = plan(request(goal_skills=[PYTHON], items=many, preferences=prefs))
    per_week = {}
    for step in result.steps:
        per_week.setdefault(step.week, []).append(step.item)
    assert all(len(week) <= 3 for week in per_week.values())
    regular = plan(
        request(goal_skills=[PYTHON], items=many, preferences=Preferences(60))
    )
    assert result.eta_weeks > regular.eta_weeks == 2


def test_an_event_alone_on_a_skill_still_joins():
    event = Item(900, "event", (STATS,), minutes=60, week=1)
    others = [i for i in items() if STATS not in i.skills]
    result = plan(request(goal_skills=[STATS], items=[*others, event]))
    assert [(s.item, s.week) for s in result.steps] == [(900, 1)]


def test_a_dated_event_keeps_its_week():
    event = Item(
        900,
        "event",
        (STATS,),
        minutes=90,
        formats=frozenset({"live"}),
        group=30,
        week=3,
    )
    prefs = Preferences(weekly_minutes=600, formats=frozenset({"live", "video"}))
    result = plan(request(items=[*items(), event], preferences=prefs))
    step = next(s for s in result.steps if s.item == 900)
    assert step.week == 3
    assert [s.week for s in result.steps] == sorted(s.week for s in result.steps)


# Re-planning -------------------------------------------------------------------------


def test_failing_a_quiz_inserts_easier_lessons_on_the_weak_prerequisite():
    before = plan(request())
    failed = plan(request(failures=[Failure(item=402, skills=(ANALYSIS, WRANGLING))]))
    order = ids(failed)
    assert len(order) > len(ids(before))
    remediation = [s for s in failed.steps if s.origin == REMEDIATION]
    assert remediation, "a remediation step is inserted"
    quiz_at = order.index(402)
    assert all(order.index(s.item) < quiz_at for s in remediation)
    # Wrangling's prerequisite, Python, is the likely cause: the short
    # refresher (not already in the plan before the quiz) comes in.
    refresher = next(s for s in remediation if s.item == 501)
    assert refresher.skill == PYTHON
    assert refresher.reason == {
        "chain": [ANALYSIS, WRANGLING, PYTHON],
        "mastery": 0.0,
        "failed_item": 402,
        "weak": WRANGLING,
    }
    assert all(s.item != 402 for s in remediation)


def test_remediation_stays_below_the_failed_quiz_difficulty():
    failed = plan(request(failures=[Failure(item=102, skills=(PYTHON,))]))
    remediation = [s for s in failed.steps if s.origin == REMEDIATION]
    assert [s.item for s in remediation] == [501]
    assert ids(failed).index(501) == ids(failed).index(102) - 1


def test_a_failed_quiz_outside_the_goal_changes_nothing():
    result = plan(request(goal_skills=[STATS], failures=[Failure(102, (PYTHON,))]))
    assert ids(result) == [301]


def test_a_failed_quiz_on_a_mastered_skill_needs_no_remediation():
    result = plan(
        request(mastery={PYTHON: 0.99}, failures=[Failure(item=102, skills=(PYTHON,))])
    )
    assert not [s for s in result.steps if s.origin == REMEDIATION]


def test_passing_and_mastery_skip_steps_on_re_plan():
    first = plan(request())
    done = frozenset({101, 102})
    again = plan(request(done=done, mastery={PYTHON: 0.96}))
    assert not done & set(ids(again))
    assert set(ids(again)) < set(ids(first)) | {501}


def test_a_started_skill_goes_on_in_the_same_course():
    # Python from course 10 is half done: no other course's Python joins.
    result = plan(request(done=frozenset({101})))
    assert [s.item for s in result.steps if s.skill == PYTHON] == [102]
    finished = plan(request(done=frozenset({101, 102})))
    assert not [s for s in finished.steps if s.skill == PYTHON]
    assert PYTHON in finished.exhausted


def test_new_content_is_picked_up():
    without = [i for i in items() if STATS not in i.skills]
    assert STATS in plan(request(items=without)).uncovered
    with_new = plan(request(items=[*without, Item(777, skills=(STATS,))]))
    assert 777 in ids(with_new) and STATS not in with_new.uncovered


def test_learner_decisions_survive_re_planning():
    decisions = Decisions(
        skipped=frozenset({301}),  # skipped
        chosen=frozenset({501}),  # swapped in for 101
        order=((401, 201),),  # moved analysis before wrangling
    )
    swapped = Decisions(
        skipped=decisions.skipped | {101},
        chosen=decisions.chosen,
        order=decisions.order,
    )
    result = plan(request(decisions=swapped))
    order = ids(result)
    assert 301 not in order and 101 not in order
    assert 102 in order  # the rest of the swapped lesson's course stays
    assert next(s for s in result.steps if s.item == 501).origin == LEARNER
    assert order.index(401) < order.index(201)

    # A re-plan after failing a quiz and with new content keeps all three.
    again = plan(
        request(
            decisions=swapped,
            items=[*items(), Item(888, skills=(STATS,), group=88)],
            failures=[Failure(item=402, skills=(WRANGLING,))],
        )
    )
    order = ids(again)
    assert 301 not in order and 101 not in order and 501 in order
    assert order.index(401) < order.index(201)
    assert 888 in order


def test_planning_is_deterministic():
    assert plan(request()) == plan(request())


# Curated paths ---------------------------------------------------------------------


def test_a_curated_path_keeps_its_order_and_drops_what_is_mastered():
    curated = [301, 101, 102, 401, 402]
    result = plan(
        request(
            goal_skills=[STATS, PYTHON, ANALYSIS],
            curated=curated,
            mastery={PYTHON: 0.99},
            prerequisites={},
        )
    )
    assert ids(result) == [301, 401, 402]
    assert {s.origin for s in result.steps} == {CURATED}
    assert result.dropped == ((101, PYTHON, 0.99), (102, PYTHON, 0.99))


def test_a_personalised_curated_path_adds_missing_prerequisites_in_front():
    result = plan(request(curated=[401, 402]))
    order = ids(result)
    assert order[-2:] == [401, 402]
    assert {101, 201, 301} <= set(order[:-2])


def test_an_unpersonalised_curated_path_is_the_same_for_everyone():
    curated = [101, 102, 401, 402]
    plain = request(curated=curated, personalise_curated=False)
    result = plan(plain)
    assert ids(result) == curated
    assert "mastery" not in result.steps[0].reason
