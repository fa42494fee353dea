"""Text similarity for "ask before you post" and the help box.

Plain Python + scikit-learn, no Django: an index is built from
(id, kind, title, text) documents and answers a query with ranked
(id, kind, score) matches. Each document is two TF-IDF vectors, one over words
and word pairs (what the text is about) and one over character 3–4-grams
inside words (plurals, verb forms and typos: "separators" still meets
"separator"); the score is a weighted sum of the two cosine similarities.

Both vectorisers hash their features instead of keeping a vocabulary, and the
inverse document frequencies are kept for the features that occur only (not as
a dense array over the whole hash space): fitting is one pass, the fitted
index pickles small (it lives in the Django cache) and nothing is downloaded —
the English stop words ship inside scikit-learn."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

WORD_FEATURES = 2**20
CHAR_FEATURES = 2**19
# Long bodies add little beyond their first pages and slow the fit down.
MAX_TEXT_CHARS = 6000
# Character n-grams are many per word: they see the title and the opening of
# the text only, which keeps the index small and its fit quick.
CHAR_TEXT_CHARS = 300
# A document that shares no word with the query needs this much character
# similarity to count (typos, word forms: "keybord accessibilty"); unrelated
# text stays below ~0.08 on the demo content.
CHAR_ONLY_MIN = 0.15


class _SparseIdf:
    """TF-IDF weighting (sublinear tf, smoothed idf, L2 rows) over hashed
    counts, as scikit-learn's TfidfTransformer computes it, storing the idf of
    the features the corpus has; a feature no document has gets the largest
    idf, so unknown words in a query still weigh on its length."""

    def __init__(self, counts: sparse.csr_matrix) -> None:
        n_docs = counts.shape[0]
        counts = counts.tocsc()
        df = np.diff(counts.indptr)
        self.columns = np.flatnonzero(df)
        self.idf = (np.log((1 + n_docs) / (1 + df[self.columns])) + 1).astype(
            np.float32
        )
        self.unseen_idf = float(np.log(1 + n_docs) + 1)

    def transform(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        counts = counts.tocsr().astype(np.float32)
        counts.sum_duplicates()
        counts.data = 1 + np.log(counts.data)
        position = np.searchsorted(self.columns, counts.indices)
        position = np.minimum(position, max(len(self.columns) - 1, 0))
        known = (
            self.columns[position] == counts.indices
            if len(self.columns)
            else np.zeros(len(counts.indices), dtype=bool)
        )
        weights = np.where(
            known, self.idf[position] if len(self.idf) else 0.0, self.unseen_idf
        )
        counts.data = (counts.data * weights).astype(np.float32)
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return (sparse.diags((1 / norms).astype(np.float32)) @ counts).tocsr()

    def compact(self, weighted: sparse.csr_matrix) -> sparse.csc_matrix:
        """The corpus matrix with only the columns of features it has (a
        hash space of 2**20 columns would cost megabytes of empty pointers)."""
        positions = np.searchsorted(self.columns, weighted.indices)
        return sparse.csr_matrix(
            (weighted.data, positions, weighted.indptr),
            shape=(weighted.shape[0], len(self.columns)),
        ).tocsc()

    def dot(self, matrix: sparse.csc_matrix, vector: sparse.csr_matrix) -> np.ndarray:
        """matrix · vector for a one-row query vector, reading only the
        columns of the features both have."""
        if not vector.nnz or not len(self.columns):
            return np.zeros(matrix.shape[0])
        positions = np.searchsorted(self.columns, vector.indices)
        positions = np.minimum(positions, len(self.columns) - 1)
        known = self.columns[positions] == vector.indices
        if not known.any():
            return np.zeros(matrix.shape[0])
        columns = matrix[:, positions[known]]
        return np.asarray(columns @ vector.data[known], dtype=np.float64).ravel()


@dataclass(frozen=True)
class Document:
    id: str
    kind: str
    title: str
    text: str


@dataclass(frozen=True)
class Match:
    id: str
    kind: str
    score: float


class TextIndex:
    """A fitted index over documents; `query` ranks them against a text.

    `word_weight` splits the score between the word and character views;
    `title_weight` counts a title that many times, since a title says what a
    document is about more densely than its body."""

    def __init__(
        self,
        documents: Iterable[Document | tuple[str, str, str, str]],
        *,
        word_weight: float = 0.65,
        title_weight: int = 3,
    ) -> None:
        docs = [d if isinstance(d, Document) else Document(*d) for d in documents]
        self.ids = [d.id for d in docs]
        self.kinds = np.array([d.kind for d in docs], dtype=object)
        self.word_weight = word_weight
        self._word = HashingVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            stop_words="english",
            strip_accents="unicode",
            n_features=WORD_FEATURES,
            alternate_sign=False,
            norm=None,
        )
        self._char = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 4),
            strip_accents="unicode",
            n_features=CHAR_FEATURES,
            alternate_sign=False,
            norm=None,
        )
        texts = [
            " ".join([d.title] * title_weight + [d.text[:MAX_TEXT_CHARS]]) for d in docs
        ]
        char_texts = [f"{d.title} {d.title} {d.text[:CHAR_TEXT_CHARS]}" for d in docs]
        # HashingVectorizer refuses an empty list: an empty corpus is 0 rows.
        word_counts = (
            self._word.transform(texts)
            if texts
            else sparse.csr_matrix((0, WORD_FEATURES))
        )
        char_counts = (
            self._char.transform(char_texts)
            if texts
            else sparse.csr_matrix((0, CHAR_FEATURES))
        )
        self._word_idf = _SparseIdf(word_counts)
        self._char_idf = _SparseIdf(char_counts)
        # By column: a query touches few features, and only their columns are read.
        self._word_matrix = self._word_idf.compact(
            self._word_idf.transform(word_counts)
        )
        self._char_matrix = self._char_idf.compact(
            self._char_idf.transform(char_counts)
        )

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Cosine similarity of `text` to every document: (words, characters)."""
        if not self.ids or not text.strip():
            empty = np.zeros(len(self.ids))
            return empty, empty
        words = self._word_idf.transform(self._word.transform([text]))
        chars = self._char_idf.transform(self._char.transform([text]))
        return (
            self._word_idf.dot(self._word_matrix, words),
            self._char_idf.dot(self._char_matrix, chars),
        )

    def query(
        self,
        text: str,
        *,
        limit: int = 5,
        kinds: Iterable[str] | None = None,
        allowed: Callable[[str], bool] | None = None,
        min_score: float = 0.05,
    ) -> list[Match]:
        """The best `limit` documents for `text`, best first.

        A document must share at least one word (stop words aside) with the
        text, or be close in character n-grams alone (CHAR_ONLY_MIN), since
        short character runs are common to any two English texts. `kinds`
        keeps only those kinds; `allowed(id)` is asked in rank order until
        `limit` documents pass, so filtering per reader costs nothing for the
        documents never reached."""
        word_scores, char_scores = self.scores(text)
        if not len(word_scores):
            return []
        combined = self.word_weight * word_scores + (1 - self.word_weight) * char_scores
        related = (word_scores > 0) | (char_scores >= CHAR_ONLY_MIN)
        keep = related & (combined >= min_score)
        if kinds is not None:
            keep &= np.isin(self.kinds, list(kinds))
        candidates = np.flatnonzero(keep)
        # Stable, so equal scores keep the corpus order the caller chose.
        order = candidates[np.argsort(-combined[candidates], kind="stable")]
        matches: list[Match] = []
        for position in order:
            doc_id = self.ids[position]
            if allowed is not None and not allowed(doc_id):
                continue
            matches.append(
                Match(
                    id=doc_id,
                    kind=str(self.kinds[position]),
                    score=round(float(combined[position]), 4),
                )
            )
            if len(matches) >= limit:
                break
        return matches
