"""Fitting the recommender: content features (TF-IDF over skills, tags and
text), popularity overall and per segment, and the collaborative-filtering
item-to-item weights (EASE + asymmetric cosine) with item factors."""

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.extmath import randomized_svd

from paths.engine.recommend_model import (
    WORD_PREFIX,
    BehaviourModel,
    Catalogue,
    ContentModel,
    PopularityModel,
    RecommenderModel,
    RecommenderParams,
)


def build_content_model(
    item_tokens: Sequence[Iterable[str]],
    *,
    texts: Sequence[str] | None = None,
    text_weight: float = 0.5,
    max_words: int = 20000,
    embedding_dims: int = 64,
) -> ContentModel:
    """TF-IDF over each item's tokens (skills, tags: already prefixed, see
    `skill_token`) and, optionally, its text; rows L2-normalised."""
    n_items = len(item_tokens)
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for i, tokens in enumerate(item_tokens):
        for token in set(tokens):
            rows.append(i)
            cols.append(vocabulary.setdefault(token, len(vocabulary)))
    counts = sp.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(n_items, len(vocabulary))
    )
    if n_items == 0:
        return empty_content(0)
    # A catalogue without skills or tags (a new site) has no token features;
    # scikit-learn refuses to fit on zero columns, so the block stays empty.
    blocks = [
        normalize(TfidfTransformer().fit_transform(counts)) if vocabulary else counts
    ]
    names = [""] * len(vocabulary)
    for token, j in vocabulary.items():
        names[j] = token
    if texts is not None and any(t.strip() for t in texts):
        words = TfidfVectorizer(max_features=max_words, sublinear_tf=True)
        try:
            blocks.append(text_weight * words.fit_transform(texts))
        except ValueError:  # no word of two letters or more in any text
            pass
        else:
            names += [WORD_PREFIX + w for w in words.get_feature_names_out()]
    if not names:
        return empty_content(n_items)
    features = normalize(sp.hstack(blocks, format="csr")).astype(np.float32)
    return ContentModel(
        features=features,
        feature_names=np.asarray(names, dtype=str),
        embedding=content_embedding(features, dims=embedding_dims),
    )


def content_embedding(features: sp.csr_matrix, *, dims: int = 64) -> np.ndarray:
    """Dense rows whose dot products approximate the feature cosine."""
    n_items, n_features = features.shape
    if n_features <= dims:
        dense = features.toarray()
    else:
        rank = max(1, min(dims, n_items - 1))
        u, s, _ = randomized_svd(
            features, rank, n_iter=4, random_state=np.random.RandomState(0)
        )
        dense = u * s
    return normalize(dense).astype(np.float32)


def empty_content(n_items: int) -> ContentModel:
    return ContentModel(
        features=sp.csr_matrix((n_items, 0), dtype=np.float32),
        feature_names=np.asarray([], dtype=str),
        embedding=np.zeros((n_items, 0), dtype=np.float32),
    )


def fit_popularity(
    interactions: sp.csr_matrix,
    *,
    member_segments: Sequence[str | None] | None = None,
    smoothing: float = 20.0,
) -> PopularityModel:
    seen = (interactions > 0).astype(np.float64).tocsr()
    counts = np.asarray(seen.sum(axis=0)).ravel()
    overall = counts / max(counts.sum(), 1.0)
    names: list[str] = []
    rows = []
    if member_segments is not None:
        labels = np.asarray([s if s is not None else "" for s in member_segments])
        for name in sorted(set(labels) - {""}):
            members = np.flatnonzero(labels == name)
            seg = np.asarray(seen[members].sum(axis=0)).ravel()
            # Shrink small segments toward the overall shares.
            rows.append((seg + smoothing * overall) / (seg.sum() + smoothing))
            names.append(name)
    by_segment = np.asarray([_scaled(r) for r in rows], dtype=np.float32)
    return PopularityModel(
        overall=_scaled(overall).astype(np.float32),
        segments=np.asarray(names, dtype=str),
        by_segment=by_segment.reshape(len(names), len(counts)),
    )


def fit_behaviour(
    interactions: sp.csr_matrix, params: RecommenderParams
) -> BehaviourModel:
    """Item-to-item weights: EASE (a closed-form linear auto-encoder) plus a
    share of asymmetric cosine, each scaled by its mean row maximum, pruned to the
    strongest `neighbours` per item; and truncated-SVD item factors."""
    x = sp.csr_matrix(interactions, dtype=np.float32)
    n_items = x.shape[1]
    keep = params.neighbours
    gram = _gram(x)
    norms = np.maximum(np.diag(gram).copy(), 1e-6)
    row_norm = norms**params.cosine_alpha
    col_norm = norms ** (1.0 - params.cosine_alpha)

    def cosine_rows(block: np.ndarray, start: int) -> np.ndarray:
        block[np.arange(len(block)), start + np.arange(len(block))] = 0.0
        block /= row_norm[start : start + len(block), None]
        block /= col_norm[None, :]
        return block

    cosine, scale = _neighbours(gram, keep, transform=cosine_rows)
    weights = cosine * (params.cosine_weight / scale)
    if n_items <= params.ease_max_items:
        gram[np.diag_indices(n_items)] += params.ease_lambda
        inverse = _spd_inverse(gram)  # in place: gram is gone
        del gram
        inverse /= -np.diag(inverse).copy()[None, :]
        np.fill_diagonal(inverse, 0.0)
        ease, scale = _neighbours(inverse, keep)
        del inverse
        weights = weights + ease * (1.0 / scale)
    weights, _ = _neighbours(weights.tocsr(), keep)
    return BehaviourModel(item_item=weights, item_factors=_item_factors(x, params))


def fit_recommender(
    interactions: sp.spmatrix,
    *,
    item_ids: Sequence[Hashable] | np.ndarray,
    content: ContentModel | None = None,
    member_segments: Sequence[str | None] | None = None,
    params: RecommenderParams | None = None,
) -> RecommenderModel:
    """Fit on members × items implicit feedback (weights, 1 = one interaction).

    `member_segments` (one per row, None for none) gives popularity per segment.
    """
    params = params or RecommenderParams()
    x = sp.csr_matrix(interactions, dtype=np.float32)
    x.sum_duplicates()
    item_ids = np.asarray(item_ids)
    if x.shape[1] != len(item_ids):
        raise ValueError("interactions has one column per item id")
    if content is None:
        content = empty_content(len(item_ids))
    elif content.features.shape[0] != len(item_ids):
        raise ValueError("content has one row per item id")
    if member_segments is not None and len(member_segments) != x.shape[0]:
        raise ValueError("member_segments has one entry per interactions row")
    popularity = fit_popularity(
        x, member_segments=member_segments, smoothing=params.segment_smoothing
    )
    behaviour = fit_behaviour(x, params) if x.nnz else None
    return RecommenderModel(
        catalogue=Catalogue(item_ids, popularity, content),
        behaviour=behaviour,
        params=params,
    )


def _scaled(v: np.ndarray) -> np.ndarray:
    top = float(v.max()) if len(v) else 0.0
    return v / top if top > 0 else np.zeros_like(v)


def _gram(x: sp.csr_matrix, *, chunk: int = 4096) -> np.ndarray:
    """Dense items × items co-occurrence XᵀX, accumulated over member chunks (the
    sparse product of all members at once holds a near-dense matrix in sparse
    form: several times the memory of the dense one)."""
    n_items = x.shape[1]
    gram = np.zeros((n_items, n_items), dtype=np.float32)
    for start in range(0, x.shape[0], chunk):
        block = x[start : start + chunk]
        product = (block.T @ block).tocsr()
        product.sum_duplicates()  # unique (row, col): a plain fancy += is exact
        product = product.tocoo()
        gram[product.row, product.col] += product.data
    return gram


def _spd_inverse(a: np.ndarray, *, block: int = 512) -> np.ndarray:
    """Inverse of a symmetric positive-definite C-ordered matrix through Cholesky
    (half the work of a general inverse), computed in `a`'s own memory: its
    transpose is the same matrix in Fortran order, which LAPACK overwrites."""
    fortran = a.T
    potrf, potri = scipy.linalg.lapack.get_lapack_funcs(("potrf", "potri"), (fortran,))
    factor, info = potrf(fortran, lower=False, overwrite_a=True, clean=False)
    if info != 0:
        raise np.linalg.LinAlgError(f"Cholesky failed ({info}); raise ease_lambda")
    inverse, info = potri(factor, lower=False, overwrite_c=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"inverse failed ({info})")
    # Only the upper triangle is set: mirror it, a block of rows at a time.
    n = inverse.shape[0]
    for start in range(0, n, block):
        end = min(start + block, n)
        inverse[start:end, :start] = inverse[:start, start:end].T
        square = inverse[start:end, start:end]
        inverse[start:end, start:end] = np.triu(square) + np.triu(square, 1).T
    return inverse.T


def _neighbours(
    m: np.ndarray | sp.csr_matrix,
    keep: int,
    *,
    transform=None,
    chunk: int = 512,
) -> tuple[sp.csr_matrix, float]:
    """The `keep` largest positive entries of each row (after `transform(block,
    first row)` if given) as CSR, and the mean row maximum of |entries| (the
    scale a blend divides by). A few hundred rows at a time, so a 5k × 5k matrix
    is never copied whole."""
    n_rows, n_cols = m.shape
    keep = min(keep, n_cols)
    pieces, row_max = [], []
    for start in range(0, n_rows, chunk):
        block = m[start : start + chunk]
        block = block.toarray() if sp.issparse(block) else np.array(block)
        if transform is not None:
            block = transform(block, start)
        row_max.append(np.abs(block).max(axis=1))
        if keep < n_cols:
            cols = np.argpartition(-block, keep - 1, axis=1)[:, :keep]
        else:
            cols = np.broadcast_to(np.arange(n_cols), block.shape)
        values = np.take_along_axis(block, cols, axis=1).ravel()
        rows = np.repeat(np.arange(len(block)), cols.shape[1])
        mask = values > 0
        pieces.append(
            sp.csr_matrix(
                (values[mask], (rows[mask], cols.ravel()[mask])),
                shape=(len(block), n_cols),
                dtype=np.float32,
            )
        )
    out = sp.vstack(pieces, format="csr") if pieces else sp.csr_matrix(m.shape)
    out.sort_indices()
    scale = float(np.concatenate(row_max).mean()) if row_max else 0.0
    return out, scale if scale > 0 else 1.0


def _item_factors(x: sp.csr_matrix, params: RecommenderParams) -> np.ndarray:
    n_items = x.shape[1]
    rank = min(params.factors, n_items - 1, x.shape[0] - 1)
    if rank < 1:
        return np.zeros((n_items, 1), dtype=np.float32)
    u, s, _ = randomized_svd(
        sp.csr_matrix(x.T), rank, n_iter=4, random_state=np.random.RandomState(0)
    )
    return normalize(u * s).astype(np.float32)
