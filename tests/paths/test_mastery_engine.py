"""The mastery engine on arrays: features, online updates, seeds, demotion,
portable parameters, BKT, and the model on a real slice of ASSISTments 2009."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import roc_auc_score

from paths.engine.bkt import BKT
from paths.engine.mastery import (
    FeatureSpec,
    KnowledgeTracer,
    Mastery,
    Responses,
    SkillState,
    _Layout,
    design_matrix,
    load_kt_folder,
    load_responses_tsv,
    seed_weight,
    validate_params,
)

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = json.loads((ROOT / "paths" / "data" / "mastery_defaults.json").read_text())
GERVET = ROOT.parent / "shared" / "data" / "assistments09_gervet"


def answers(mastery, state, outcomes, skill=None):
    trail = []
    for ok in outcomes:
        state = mastery.update(state, ok)
        trail.append(mastery.probability(state, skill))
    return state, trail


# ------------------------------------------------------------------- features


def test_count_features_use_only_earlier_answers_per_learner_and_skill():
    # Learner 1: skill 0 right, skill 0 wrong, skills {0,1} right; learner 2: skill 0.
    r = Responses.from_lists(
        user=[1, 1, 1, 2],
        item=[0, 1, 2, 0],
        correct=[1, 0, 1, 1],
        skills=[[0], [0], [0, 1], [0]],
        n_skills=2,
    )
    spec = FeatureSpec(items=False, skills=False, decay=0.5, per_skill_recent=False)
    X = design_matrix(r, spec, n_items=3, n_skills=2).toarray()
    layout = _Layout(3, 2, spec)
    wins0, fails0 = layout.skill_win, layout.skill_fail
    assert X[:, wins0].tolist() == pytest.approx([0, math.log(2), math.log(2), 0])
    assert X[:, fails0].tolist() == pytest.approx([0, 0, math.log(2), 0])
    # Skill 1 is new at the third answer: no history on it.
    assert X[2, wins0 + 1] == 0 and X[2, fails0 + 1] == 0
    # Totals over all skills, reset for the second learner.
    assert X[:, layout.totals].tolist() == pytest.approx(
        [0, math.log(2), math.log(2), 0]
    )
    assert X[:, layout.totals + 1].tolist() == pytest.approx([0, 0, math.log(2), 0])
    # Recent counts on skill 0 before the third answer: 1 win decayed once (0.5),
    # 1 fail (1.0); averaged with skill 1's zeros.
    assert X[2, layout.recent] == pytest.approx(0.25)
    assert X[2, layout.recent + 1] == pytest.approx(0.5)


def test_take_users_keeps_each_answers_skills():
    r = Responses.from_lists(
        user=[1, 1, 2, 3],
        item=[0, 1, 2, 3],
        correct=[1, 0, 1, 0],
        skills=[[0], [1, 2], [2], []],
    )
    part = r.take_users(np.array([False, True, False, True]))
    assert part.user.tolist() == [1, 3]
    assert np.diff(part.skill_indptr).tolist() == [2, 0]
    assert part.skill_indices.tolist() == [1, 2]


def test_responses_refuse_out_of_range_skills():
    with pytest.raises(ValueError, match="skill index"):
        Responses.from_lists(user=[1], item=[0], correct=[1], skills=[[3]], n_skills=2)


def test_tsv_rows_of_one_multi_skill_answer_are_merged(tmp_path):
    path = tmp_path / "split.csv"
    path.write_text(
        "user_id\titem_id\ttimestamp\tcorrect\tskill_id\n"
        "0\t5\t0\t1\t2\n"
        "0\t5\t0\t1\t3\n"  # the same answer, second skill
        "0\t5\t0\t0\t3\n"  # a repeated answer (same skill): kept
        "1\t6\t0\t0\t2\n"
    )
    r = load_responses_tsv(path, q_matrix=None)
    assert r.user.tolist() == [0, 0, 1]
    assert r.correct.tolist() == [1, 0, 0]
    assert np.diff(r.skill_indptr).tolist() == [2, 1, 1]
    assert r.skill_indices.tolist() == [2, 3, 3, 2]


def test_tsv_skills_come_from_the_q_matrix_when_given(tmp_path):
    path = tmp_path / "split.csv"
    path.write_text(
        "user_id\titem_id\ttimestamp\tcorrect\tskill_id\n0\t1\t0\t1\t99\n0\t0\t0\t0\t98\n"
    )
    q = sp.csr_matrix(np.array([[1, 0, 0], [0, 1, 1]]))
    r = load_responses_tsv(path, q_matrix=q)
    assert r.n_skills == 3
    assert r.skill_indices.tolist() == [1, 2, 0]


# -------------------------------------------------------------- online update


def test_right_answers_raise_and_wrong_answers_lower_mastery():
    mastery = Mastery(DEFAULTS)
    state = SkillState(wins=2, fails=2, recent_wins=1, recent_fails=1, attempts=4)
    before = mastery.probability(state)
    assert mastery.probability(mastery.update(state, True)) > before
    assert mastery.probability(mastery.update(state, False)) < before


def test_a_run_of_right_answers_reaches_the_threshold_and_wrong_ones_demote():
    mastery = Mastery(DEFAULTS)
    state, trail = answers(mastery, SkillState(), [True] * 4)
    assert trail == sorted(trail)
    assert trail[0] < 0.95 <= trail[-1]
    state, trail = answers(mastery, state, [True] * 6)
    assert trail[-1] >= 0.95
    _, trail = answers(mastery, state, [False] * 3)
    assert trail[-1] < 0.95  # demoted
    assert trail == sorted(trail, reverse=True)


def test_recent_wrong_answers_weigh_more_than_old_ones():
    mastery = Mastery(DEFAULTS)
    old_misses, _ = answers(mastery, SkillState(), [False] * 3 + [True] * 5)
    new_misses, _ = answers(mastery, SkillState(), [True] * 5 + [False] * 3)
    assert old_misses.wins == new_misses.wins  # same counts, different order
    assert mastery.probability(old_misses) > mastery.probability(new_misses)


def test_answer_updates_every_skill_of_the_question():
    mastery = Mastery(DEFAULTS)
    states = {7: SkillState(wins=1, attempts=1)}
    result = mastery.answer(states, skills=[7, 8], correct=True)
    assert result[7][0].attempts == 2 and result[8][0].attempts == 1
    assert 0 <= result[8][1] <= result[7][1] <= 1


def test_seed_sets_the_start_and_fades_with_answers():
    mastery = Mastery(DEFAULTS, fade=5)
    prior = mastery.prior_for_probability(0.85)
    seeded = SkillState(prior=prior)
    assert mastery.probability(seeded) == pytest.approx(0.85, abs=1e-9)
    low = SkillState(prior=mastery.prior_for_probability(0.05))
    assert mastery.probability(low) == pytest.approx(0.05, abs=1e-9)
    # The same wrong answers weigh the high seed down toward the unseeded estimate.
    seeded_after, _ = answers(mastery, seeded, [False] * 20)
    plain_after, _ = answers(mastery, SkillState(), [False] * 20)
    assert seed_weight(20, 5) == pytest.approx(0.2)
    gap_before = mastery.probability(seeded) - mastery.probability(SkillState())
    gap_after = mastery.probability(seeded_after) - mastery.probability(plain_after)
    assert 0 <= gap_after < gap_before / 2


def test_evidence_counts_as_right_answers_without_fading_the_seed():
    mastery = Mastery(DEFAULTS)
    state = SkillState(wins=1, fails=1, recent_wins=0.3, recent_fails=1, attempts=2)
    with_evidence = mastery.add_evidence(state, 2.0)
    assert with_evidence.wins == 3 and with_evidence.attempts == 2
    assert with_evidence.recent_wins == state.recent_wins
    assert mastery.probability(with_evidence) > mastery.probability(state)


def test_online_state_agrees_with_the_batch_features():
    """p_correct from the online state equals the batch model's prediction on the
    same learner's single-skill answers (the mastery definition's premise)."""
    params = dict(DEFAULTS, skills={"0": [0.2, 0.1, -0.05]})
    outcomes = [1, 0, 0, 1, 1, 1, 0, 1]
    r = Responses.from_lists(
        user=[1] * len(outcomes),
        item=[0] * len(outcomes),
        correct=outcomes,
        skills=[[0]] * len(outcomes),
        difficulty=[2] * len(outcomes),
    )
    batch = KnowledgeTracer.from_params(params, skill_index={"0": 0}).predict_proba(r)
    mastery = Mastery(params)
    state, online = SkillState(), []
    for ok in outcomes:
        online.append(mastery.p_correct(state, 0))
        state = mastery.update(state, bool(ok))
    assert online == pytest.approx(batch.tolist(), abs=1e-9)


def test_bad_parameters_are_refused():
    validate_params(DEFAULTS)
    for broken in (
        {k: v for k, v in DEFAULTS.items() if k != "totals"},
        dict(DEFAULTS, guess=0.6, slip=0.5),
        dict(DEFAULTS, decay=1.2),
        dict(DEFAULTS, intercept=float("nan")),
        dict(DEFAULTS, skills={"3": [1.0, 2.0]}),
    ):
        with pytest.raises(ValueError):
            validate_params(broken)


def test_defaults_file_is_small_and_global():
    assert DEFAULTS["skills"] == {}
    assert (ROOT / "paths" / "data" / "mastery_defaults.json").stat().st_size < 2000


# ----------------------------------------------------------------------- fits


def synthetic_bkt(n_users=150, n_skills=3, length=12, seed=0):
    """Answers drawn from a BKT process (learn 0.2, guess 0.2, slip 0.1)."""
    rng = np.random.default_rng(seed)
    user, item, correct, skills = [], [], [], []
    for u in range(n_users):
        for k in range(n_skills):
            known = rng.random() < 0.2
            for _ in range(length):
                p = 0.9 if known else 0.2
                user.append(u)
                item.append(k)
                correct.append(int(rng.random() < p))
                skills.append([k])
                known = known or rng.random() < 0.2
    return Responses.from_lists(
        user=user, item=item, correct=correct, skills=skills, n_skills=n_skills
    )


def test_bkt_recovers_a_learning_process():
    data = synthetic_bkt()
    bkt = BKT.fit(data)
    assert np.all(bkt.learn >= 0.1) and np.all(bkt.learn <= 0.35)
    assert np.all(bkt.guess >= 0.1) and np.all(bkt.guess <= 0.3)
    auc = roc_auc_score(data.correct, bkt.predict_proba(data))
    assert auc > 0.7


def test_logistic_model_learns_from_prior_attempts():
    train, test = synthetic_bkt(seed=1), synthetic_bkt(n_users=60, seed=2)
    tracer = KnowledgeTracer.fit(
        train, FeatureSpec(items=False, per_skill_recent=False)
    )
    assert tracer.auc(test) > 0.7
    params = tracer.to_params(skill_keys={0: "a", 1: "b", 2: "c"})
    assert set(params["skills"]) == {"a", "b", "c"}
    # Learning shows in the weights: after right answers, a higher chance.
    mastery = Mastery(dict(params, guess=0.2, slip=0.1))
    _, trail = answers(mastery, SkillState(), [True] * 5, skill="a")
    assert mastery.p_correct(SkillState(), "a") < 0.5 < trail[-1]


@pytest.fixture(scope="module")
def gervet_slice():
    train, test, q = load_kt_folder(GERVET)
    few_train = train.take_users(train.user < np.unique(train.user)[300])
    few_test = test.take_users(test.user < np.unique(test.user)[100])
    return few_train, few_test


def test_model_on_a_real_slice_beats_bkt(gervet_slice):
    """300 learners of ASSISTments 2009 (Gervet et al.'s split) to train, 100
    test learners to score."""
    train, test = gervet_slice
    tracer = KnowledgeTracer.fit(train)
    auc = tracer.auc(test)
    auc_bkt = roc_auc_score(test.correct, BKT.fit(train).predict_proba(test))
    assert auc > 0.7
    assert auc > auc_bkt + 0.02
