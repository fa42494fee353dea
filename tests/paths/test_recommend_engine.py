"""The recommender engine on small arrays: MMR, the exploration slot, what each
personalisation level may use, reasons, the offline split and metrics."""

import inspect
import math

import numpy as np
import pytest
import scipy.sparse as sp

from paths.engine import recommend as rec
from paths.engine.recommend_eval import (
    evaluate_triples,
    leave_last_out,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    score_rankings,
)

# Two topics of 10 items: members of topic A take items 0–9, of topic B 10–19.
N_ITEMS = 20
TOPIC = np.repeat([0, 1], 10)


def clustered_interactions(n_members: int = 120, seed: int = 0) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    rows, cols = [], []
    for m in range(n_members):
        topic = m % 2
        # Popular items (low rank within the topic) are taken more often.
        weights = 1.0 / np.arange(1, 11)
        taken = rng.choice(10, size=4, replace=False, p=weights / weights.sum())
        rows += [m] * 4
        cols += (taken + 10 * topic).tolist()
    data = np.ones(len(rows), dtype=np.float32)
    return sp.csr_matrix((data, (rows, cols)), shape=(n_members, N_ITEMS))


def content() -> rec.ContentModel:
    tokens = [
        [rec.skill_token(int(TOPIC[i])), rec.tag_token(f"level-{i % 3}")]
        for i in range(N_ITEMS)
    ]
    return rec.build_content_model(tokens)


@pytest.fixture(scope="module")
def model() -> rec.RecommenderModel:
    x = clustered_interactions()
    segments = ["a" if m % 2 == 0 else "b" for m in range(x.shape[0])]
    return rec.fit_recommender(
        x,
        item_ids=np.arange(100, 100 + N_ITEMS),
        content=content(),
        member_segments=segments,
        params=rec.RecommenderParams(pool=8),
    )


def ids(recs) -> list:
    return [r.item for r in recs]


def test_mmr_with_lambda_one_follows_relevance():
    relevance = np.array([1.0, 0.95, 0.9])
    similarity = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1]], dtype=float)
    assert rec.mmr(relevance, similarity, k=2, lam=1.0) == [0, 1]


def test_mmr_with_lambda_below_one_picks_the_less_similar_item():
    relevance = np.array([1.0, 0.95, 0.9])
    similarity = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1]], dtype=float)
    # Item 1 is a near copy of item 0; item 2 is different and almost as good.
    assert rec.mmr(relevance, similarity, k=2, lam=0.5) == [0, 2]


def test_full_recommendations_end_with_one_exploration_slot(model):
    recs = rec.recommend(
        model,
        level="full",
        profile=rec.MemberProfile(),
        behaviour=rec.MemberBehaviour(items=[100, 101]),
        k=5,
        seed=3,
    )
    kinds = [r.reason["kind"] for r in recs]
    assert len(recs) == 5
    assert kinds[-1] == rec.EXPLORE
    assert kinds.count(rec.EXPLORE) == 1
    # The exploration item comes from outside the ranking's candidate pool.
    plain = rec.recommend(
        rec.with_params(model, explore=False, pool=8, diversity=1.0),
        level="full",
        behaviour=rec.MemberBehaviour(items=[100, 101]),
        profile=rec.MemberProfile(),
        k=8,
    )
    assert recs[-1].item not in ids(plain)


def test_no_exploration_slot_when_turned_off(model):
    recs = rec.recommend(
        rec.with_params(model, explore=False),
        level="full",
        profile=rec.MemberProfile(),
        behaviour=rec.MemberBehaviour(items=[100]),
        k=5,
    )
    assert rec.EXPLORE not in [r.reason["kind"] for r in recs]


def test_full_recommends_the_members_topic_and_says_which_item_led_there(model):
    recs = rec.recommend(
        rec.with_params(model, explore=False),
        level="full",
        profile=rec.MemberProfile(),
        behaviour=rec.MemberBehaviour(items=[110, 111, 112]),
        k=4,
    )
    assert all(110 <= r.item < 120 for r in recs)
    assert not {110, 111, 112} & set(ids(recs))  # what they had is not offered
    first = recs[0].reason
    assert first["kind"] == rec.SIMILAR_TO
    assert first["item"] in {110, 111, 112}


def test_off_uses_no_member_data(model):
    first = rec.recommend(model, level="off", k=6, seed=1)
    second = rec.recommend(model, level="off", k=6, seed=1)
    assert ids(first) == ids(second)
    # The level cannot be handed a member's behaviour or profile at all.
    with pytest.raises(ValueError, match="behaviour"):
        rec.recommend(
            model, level="off", behaviour=rec.MemberBehaviour(items=[100]), k=6
        )
    with pytest.raises(ValueError, match="profile"):
        rec.recommend(model, level="off", profile=rec.MemberProfile(segment="a"))
    parameters = inspect.signature(rec.recommend_off).parameters
    assert "behaviour" not in parameters
    assert "profile" not in parameters
    assert all(r.reason["kind"] in {rec.POPULAR, rec.EXPLORE} for r in first)


def test_off_puts_curated_items_first(model):
    recs = rec.recommend(model, level="off", curated=[119, 105], k=5)
    assert ids(recs)[:2] == [119, 105]
    assert [r.reason["kind"] for r in recs[:2]] == [rec.CURATED, rec.CURATED]


def test_basic_uses_the_profile_and_never_behaviour(model):
    with pytest.raises(ValueError, match="behaviour"):
        rec.recommend(
            model,
            level="basic",
            profile=rec.MemberProfile(),
            behaviour=rec.MemberBehaviour(items=[100]),
        )
    parameters = inspect.signature(rec.recommend_basic).parameters
    assert "behaviour" not in parameters
    recs = rec.recommend(
        rec.with_params(model, explore=False),
        level="basic",
        profile=rec.MemberProfile(skill_gaps={1: 0.8}),
        k=3,
    )
    assert all(110 <= r.item < 120 for r in recs)  # the items teaching skill 1
    assert recs[0].reason == {"kind": rec.SKILL_GAP, "skill": 1}


def test_basic_cold_start_is_popular_in_the_members_segment(model):
    recs = rec.recommend(
        rec.with_params(model, explore=False),
        level="basic",
        profile=rec.MemberProfile(segment="b"),
        k=3,
    )
    assert all(110 <= r.item < 120 for r in recs)
    assert recs[0].reason == {"kind": rec.POPULAR_IN_SEGMENT, "segment": "b"}


def test_candidates_and_exclusions_are_respected(model):
    recs = rec.recommend(
        model,
        level="basic",
        profile=rec.MemberProfile(segment="a", exclude=[100]),
        candidates=[100, 101, 102, 115],
        k=10,
    )
    assert set(ids(recs)) == {101, 102, 115}


def test_saved_model_serves_the_same_recommendations(model, tmp_path):
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = rec.RecommenderModel.load(path)
    kwargs = {
        "level": "full",
        "profile": rec.MemberProfile(segment="a", interests={"tag:level-1": 1.0}),
        "behaviour": rec.MemberBehaviour(items=[100, 103]),
        "k": 6,
        "seed": 5,
    }
    assert rec.recommend(loaded, **kwargs) == rec.recommend(model, **kwargs)
    assert loaded.params == model.params


def test_fitting_refuses_mismatched_inputs():
    x = clustered_interactions(n_members=10)
    with pytest.raises(ValueError, match="one column per item id"):
        rec.fit_recommender(x, item_ids=np.arange(N_ITEMS - 1))
    with pytest.raises(ValueError, match="one entry per interactions row"):
        rec.fit_recommender(x, item_ids=np.arange(N_ITEMS), member_segments=["a"])
    with pytest.raises(ValueError, match="unknown personalisation level"):
        rec.recommend(
            rec.fit_recommender(x, item_ids=np.arange(N_ITEMS)), level="everything"
        )


def test_leave_last_out_holds_out_each_members_latest_new_item():
    triples = [
        ("ann", "x", 1.0),
        ("ann", "y", 3.0),
        ("ann", "x", 9.0),  # a repeat: x's time stays 1.0, y is still latest
        ("bob", "z", 2.0),  # one item only: nothing held out
        ("cat", "y", 5.0),
        ("cat", "z", 5.0),  # tie on time: the later line wins
    ]
    split = leave_last_out(triples)
    member = {m: i for i, m in enumerate(split.member_ids.tolist())}
    item = {t: i for i, t in enumerate(split.item_ids.tolist())}
    assert split.held_out == {member["ann"]: item["y"], member["cat"]: item["z"]}
    train = split.matrix().toarray()
    assert train[member["ann"]].tolist() == [1, 0, 0]
    assert train[member["bob"]].tolist() == [0, 0, 1]
    assert train[member["cat"]].tolist() == [0, 1, 0]


def test_ranking_metrics_match_hand_computation():
    ranked = [5, 3, 9]
    assert ndcg_at_k(ranked, 5, 10) == 1.0
    assert ndcg_at_k(ranked, 3, 10) == pytest.approx(1 / math.log2(3))
    assert ndcg_at_k(ranked, 9, 2) == 0.0  # outside the top 2
    assert precision_at_k(ranked, 3, 10) == 0.1
    assert recall_at_k(ranked, 7, 10) == 0.0
    scores = score_rankings({0: [5, 3, 9], 1: [4, 2, 1]}, {0: 3, 1: 1}, n_items=10, k=3)
    assert scores["ndcg"] == pytest.approx((1 / math.log2(3) + 1 / math.log2(4)) / 2)
    assert scores["precision"] == pytest.approx(1 / 3)
    assert scores["recall"] == 1.0
    assert scores["coverage"] == 0.6


def test_offline_evaluation_beats_popularity_on_clustered_members():
    x = clustered_interactions(n_members=200, seed=1).tocoo()
    rng = np.random.default_rng(0)
    triples = [
        (int(m), int(i), float(t))
        for m, i, t in zip(x.row, x.col, rng.random(x.nnz), strict=True)
    ]
    result = evaluate_triples(triples, k=5)
    assert result["n_test_members"] == 200
    assert result["ndcg5"] > 1.3 * result["ndcg5_popularity"]
    assert result["ndcg5_popularity"] > result["ndcg5_random"]


@pytest.mark.parametrize(
    ("tokens", "texts", "shape"),
    [
        ([], [], (0, 0)),  # an empty catalogue
        ([[], []], ["", ""], (2, 0)),  # items with neither skills nor text
        ([[], []], ["a", "b"], (2, 0)),  # text without a word to index
        ([["skill:1"], []], ["Python basics", "x"], (2, 3)),
    ],
)
def test_a_new_site_with_little_content_still_fits(tokens, texts, shape):
    from paths.engine.recommend_fit import build_content_model, fit_recommender

    content = build_content_model(tokens, texts=texts)
    assert content.features.shape == shape
    n_items = len(tokens)
    model = fit_recommender(
        sp.csr_matrix((0, n_items), dtype=np.float32),
        item_ids=np.arange(n_items),
        content=content,
        member_segments=[],
    )
    assert len(model.catalogue.item_ids) == n_items
