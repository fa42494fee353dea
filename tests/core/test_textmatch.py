"""core.textmatch: plain unit tests, no database."""

import pickle

import pytest

from core.textmatch import Document, Match, TextIndex

DOCS = [
    Document(
        "q1",
        "question",
        "How do I read a CSV file with a semicolon separator in pandas?",
        "My bank exports date;amount. Pass sep=';' to pd.read_csv.",
    ),
    Document(
        "q2",
        "question",
        "Why does my list comprehension return a list of None?",
        "print returns None, so the comprehension collects None values.",
    ),
    Document(
        "a1",
        "article",
        "Spaced repetition: remember more by reviewing less",
        "Review flashcards at growing intervals to keep what you learn.",
    ),
    ("l1", "lesson", "Status codes", "404 means not found, 500 a server error."),
]


@pytest.fixture(scope="module")
def index():
    return TextIndex(DOCS)


def test_the_matching_document_ranks_first(index):
    assert index.query("pandas csv semicolon separator")[0].id == "q1"
    assert index.query("comprehension gives a list of None")[0].id == "q2"
    assert index.query("which status code means not found")[0].id == "l1"


def test_word_forms_and_typos_still_match_through_character_ngrams(index):
    # "separators" / "semicolons" are not the indexed words; "comprehensions" neither.
    assert index.query("separators and semicolons")[0].id == "q1"
    assert index.query("comprehensions nones")[0].id == "q2"
    assert index.query("statsu cdoes")[0].id == "l1"


def test_unrelated_text_matches_nothing(index):
    assert index.query("what is the weather in Paris tomorrow") == []
    assert index.query("") == []
    assert index.query("   ") == []


def test_scores_are_ranked_and_bounded(index):
    matches = index.query("list of None values in pandas csv", limit=4)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)
    assert all(isinstance(m, Match) for m in matches)


def test_kinds_and_allowed_filter_without_losing_the_limit(index):
    only_articles = index.query("remember what you learn", kinds=["article"])
    assert [m.id for m in only_articles] == ["a1"]
    assert index.query("pandas csv", kinds=["lesson"]) == []
    text = "csv pandas list None comprehension"
    first, second = (m.id for m in index.query(text, limit=2))
    asked = []

    def allowed(doc_id):
        asked.append(doc_id)
        return doc_id != first

    matches = index.query(text, limit=1, allowed=allowed)
    assert [m.id for m in matches] == [second]
    # Asked in rank order, and not past the first allowed one.
    assert asked == [first, second]


def test_empty_corpus_and_tuples(index):
    assert TextIndex([]).query("anything") == []
    assert len(TextIndex([("x", "article", "Title", "Text")])) == 1


def test_the_index_pickles_small_and_answers_the_same():
    copy = pickle.loads(pickle.dumps(TextIndex(DOCS)))  # noqa: S301 - our own bytes
    assert copy.query("pandas csv")[0].id == "q1"
    # Hashed features and a sparse idf: not megabytes of dense arrays.
    assert len(pickle.dumps(copy)) < 100_000
