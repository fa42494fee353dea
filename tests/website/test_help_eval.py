"""The help matcher on the demo's own content: a labelled evaluation."""

from core.textmatch import TextIndex

from .help_eval import LABELLED, demo_documents, hit_rate


def test_top_3_hit_rate_on_the_demo_content_is_at_least_80_percent():
    documents = demo_documents()
    ids = {document.id for document in documents}
    # Every label names a document that exists (a renamed slug fails loudly).
    for question, expected in LABELLED:
        assert expected & ids, question
    rate, misses = hit_rate(TextIndex(documents), k=3)
    assert len(LABELLED) >= 15
    assert rate >= 0.8, misses
