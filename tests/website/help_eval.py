# ruff: noqa: E501 - one labelled question per line reads best
"""A labelled evaluation of the help matcher on the demo content: paraphrased
questions a member might type, each with the documents that answer it.

The corpus is built from the demo's own words (forum.demo, courses.demo_content,
website.demo_content) the way website.help composes documents, without a
database, so the evaluation is quick and exact."""

import re
from html import unescape

from core.textmatch import Document
from courses.demo_content import COURSES
from forum.demo import TOPICS
from forum.models import Topic
from website.demo_content import ARTICLES

_TAG = re.compile(r"<[^>]+>")


def _plain(html: str) -> str:
    return " ".join(unescape(_TAG.sub(" ", html)).split())


def _block_text(block: dict) -> str:
    value = block["value"]
    if isinstance(value, str):
        return _plain(value)
    return " ".join(_plain(str(v)) for v in value.values() if isinstance(v, str))


def demo_documents() -> list[Document]:
    docs = []
    for number, spec in enumerate(TOPICS):
        if spec.kind == Topic.Kind.QUESTION and spec.accepted is not None:
            answer = spec.replies[spec.accepted].body
            docs.append(
                Document(
                    f"question:{number}",
                    "question",
                    spec.title,
                    f"{spec.body} {answer}",
                )
            )
    for course in COURSES:
        for _module, lessons in course["modules"]:
            for slug, title, _minutes, paragraphs, _quiz in lessons:
                docs.append(
                    Document(
                        f"lesson:{slug}",
                        "lesson",
                        f"{title} ({course['title']})",
                        " ".join(paragraphs),
                    )
                )
    for article in ARTICLES:
        body = " ".join(_block_text(block) for block in article["body"])
        docs.append(
            Document(
                f"article:{article['slug']}",
                "article",
                article["title"],
                f"{article['intro']} {body}",
            )
        )
    return docs


# (what a member types, the documents that answer it)
LABELLED = [
    ("my list comprehension gives me None values instead of the numbers", {"question:1"}),
    ("print inside a comprehension returns nothing useful", {"question:1"}),
    ("what is the difference between the average and the middle value", {"lesson:mean-and-median"}),
    ("how do I measure how spread out my data is", {"lesson:spread"}),
    ("one extreme value is pulling my average up, should I delete it", {"lesson:skew-and-outliers", "lesson:mean-and-median"}),
    ("split my data so I can check the model on rows it has not seen", {"lesson:train-and-test"}),
    ("which HTTP status code means the page was not found", {"lesson:status-codes"}),
    ("how can I make my site usable without a mouse", {"lesson:keyboard"}),
    ("how many characters per line are comfortable to read", {"lesson:measure"}),
    ("my bar chart y axis does not start at zero, is that misleading", {"lesson:axes"}),
    ("load a csv spreadsheet into a pandas table", {"lesson:dataframes"}),
    ("how do I stop forgetting what I learned last week", {"article:spaced-repetition", "article:the-forgetting-curve"}),
    ("quizzing myself instead of rereading my notes", {"article:retrieval-practice"}),
    ("I lose motivation halfway through online courses", {"article:staying-motivated-in-online-courses"}),
    ("how should I take notes while I study", {"article:note-taking-that-helps-you-learn"}),
    ("how do I write a question so that people answer it", {"article:how-to-ask-a-good-question", "lesson:asking"}),
]  # fmt: skip


def hit_rate(index, labelled=LABELLED, *, k: int = 3) -> tuple[float, list]:
    """Share of questions with an expected document in the top k, and the misses."""
    misses = []
    for question, expected in labelled:
        top = [match.id for match in index.query(question, limit=k)]
        if not expected & set(top):
            misses.append((question, expected, top))
    return 1 - len(misses) / len(labelled), misses
