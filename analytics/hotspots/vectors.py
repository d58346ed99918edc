"""Texts to sparse vectors: what each order is about and where it is, for the pair search (``pairs``).

Each order's text becomes sparse rows, as in ``triage.duplicates``. *What happened*: character bigrams
(plus latin/digit tokens such as ``58``) weighted by sublinear term frequency times IDF **squared**, leaving
out the text's own place names and every bigram found in more than about 2 % of messages (IDF <
``PRUNE_IDF``: 的问, 小区, 投诉 …), L2-normalised. Squared IDF lets distinctive words (搅拌, 捆绑, 车贷)
dominate and generic ones (噪音, 物业) barely count; dropping the commonest bigrams keeps the vectors short,
which is what makes the similarity search cheap. *Where*: the distinctive bigrams of the place names in the
text (``duplicates.place_name_bigrams``: sites such as …小区/…新城/…公司 apart from areas such as …路/…街道),
each weighted by its IDF, the districts the text names (``duplicates.district_mentions``), and the order's
gazetteer district, street and community. The IDF table is the public one shipped with the duplicate
finder. Only the first ``MAX_TEXT_CHARS`` characters are read (the service passes the title and 400
characters of the appeal): a long letter's asides would make it similar to everything, and cost time. The
texts are read ``_BIGRAM_BATCH`` at a time as one string: bigram codes with numpy, place names and
districts with one scan of that string (no per-text Python loop), and term frequencies come from one plain
sort of packed (term, order) keys.

Pure code: plain items in, numpy and scipy arrays out; no Django.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
from scipy import sparse

from analytics.hotspots.types import HotspotItem
from triage.duplicates import BatchText, TermWeights, bigram_codes, district_mentions, place_name_bigrams

_TOKEN_BASE = 0xA000_0000  # codes of latin/digit tokens start above every bigram code (two chars ≤ U+9FFF)
_ROW_BITS = 24  # term-frequency keys pack (code << 24 | row)
_BIGRAM_BATCH = 5000  # texts turned into bigram codes at once
MAX_TEXT_CHARS = 600  # what is read of a text: its what and where come early (the service passes ~430)
PRUNE_IDF = 4.9  # bigrams in more than ~2 % of messages carry no event information and are left out
_ALNUM = re.compile(r"[A-Za-z0-9]{2,}")


@dataclass
class Vectors:
    """Sparse rows for a batch of items; columns shared by every matrix of the batch."""

    text: sparse.csr_matrix  # pruned TF-IDF², place names left out, L2-normalised
    site_bin: sparse.csr_matrix  # 1 for each distinctive bigram of a site name (…小区, …公司)
    site_idf: sparse.csr_matrix  # the same bigrams weighted by IDF
    name_bin: sparse.csr_matrix  # every place-name bigram (sites and areas such as …路, …街道)
    name_idf: sparse.csr_matrix
    site_total: np.ndarray
    name_total: np.ndarray
    district_text: sparse.csr_matrix  # districts named in the text (one column each)
    district_count: np.ndarray
    district: np.ndarray  # gazetteer district id, -1 unknown
    street: np.ndarray
    community: np.ndarray
    days: np.ndarray  # created_at in days since the epoch

    def take(self, rows: np.ndarray) -> Vectors:
        """The given rows of every matrix and array, in that order (the columns stay shared)."""
        return Vectors(**{field.name: getattr(self, field.name)[rows] for field in fields(self)})


def _idf(codes: np.ndarray, tokens: Mapping[int, str], weights: TermWeights) -> np.ndarray:
    """The IDF of sorted term codes: bigram codes by table look-up, latin/digit tokens (``tokens``, codes
    from ``_TOKEN_BASE``) one by one."""
    idf = np.empty(len(codes))
    bigrams = codes < _TOKEN_BASE
    idf[bigrams] = weights.bigram_idf(codes[bigrams])
    idf[~bigrams] = [weights(tokens[int(c)]) for c in codes[~bigrams]]
    return idf


@dataclass
class _Terms:
    """What the texts of a batch are made of, as flat (row, code) arrays."""

    keys: np.ndarray  # (code << _ROW_BITS | row) of every character bigram inside runs of Chinese and every
    # latin/digit token, in no particular order
    tokens: dict[str, int]  # latin/digit token → its code (from _TOKEN_BASE)
    name_rows: np.ndarray  # the distinctive bigrams of place names (duplicates.place_name_bigrams)
    name_codes: np.ndarray
    name_idf: np.ndarray
    name_site: np.ndarray
    district_rows: np.ndarray  # districts named in the texts
    district_cols: np.ndarray
    district_width: int


def _terms(texts: Sequence[str], weights: TermWeights) -> _Terms:
    """Bigrams, tokens, place names and district mentions of every text, ``_BIGRAM_BATCH`` texts at a time
    (one regular-expression scan and a few array operations per batch, no loop over texts or bigrams)."""
    parts: dict[str, list[np.ndarray]] = defaultdict(list)
    tokens: dict[str, int] = {}
    districts_seen: dict[str, int] = {}
    for first in range(0, len(texts), _BIGRAM_BATCH):
        batch = BatchText.of(texts[first : first + _BIGRAM_BATCH])
        chars = batch.chars
        han = (chars >= 0x4E00) & (chars <= 0x9FFF)
        at = np.flatnonzero(han[:-1] & han[1:])
        keys = bigram_codes(chars[at], chars[at + 1])
        keys <<= _ROW_BITS
        keys |= first + batch.row[at]
        parts["keys"].append(keys)
        found = [(m.start(), m.group().lower()) for m in _ALNUM.finditer(batch.joined)]
        keys = np.array([tokens.setdefault(t, _TOKEN_BASE + len(tokens)) for _, t in found], dtype=np.int64)
        keys <<= _ROW_BITS
        keys |= first + batch.row[np.array([p for p, _ in found], dtype=np.int64)]
        parts["keys"].append(keys)
        rows, codes, idf, site = place_name_bigrams(batch, weights)
        parts["name_rows"].append(first + rows)
        parts["name_codes"].append(codes)
        parts["name_idf"].append(idf)
        parts["name_site"].append(site)
        rows, mentions = district_mentions(batch)
        parts["district_rows"].append(first + rows)
        parts["district_cols"].append(
            np.array([districts_seen.setdefault(m, len(districts_seen)) for m in mentions], dtype=np.int64)
        )

    def joined(name: str, dtype: type) -> np.ndarray:
        return np.concatenate(parts[name]).astype(dtype, copy=False) if parts[name] else np.zeros(0, dtype=dtype)

    return _Terms(
        keys=joined("keys", np.int64),
        tokens=tokens,
        name_rows=joined("name_rows", np.int64),
        name_codes=joined("name_codes", np.int64),
        name_idf=joined("name_idf", np.float64),
        name_site=joined("name_site", bool),
        district_rows=joined("district_rows", np.int64),
        district_cols=joined("district_cols", np.int64),
        district_width=max(len(districts_seen), 1),
    )


def _run_starts(values: np.ndarray) -> np.ndarray:
    """True where a sorted array's value differs from the one before (and at its start)."""
    starts = np.empty(len(values), dtype=bool)
    if len(values):
        starts[0] = True
        np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts


def vectorise(items: Sequence[HotspotItem], weights: TermWeights) -> Vectors:
    """The rows of ``items``, in their order (see the module docstring)."""
    n = len(items)
    if n >= 1 << _ROW_BITS:
        raise ValueError(f"at most {(1 << _ROW_BITS) - 1} orders at once")
    found = _terms([item.text[:MAX_TEXT_CHARS] for item in items], weights)
    name_rows_a, name_codes_a = found.name_rows, found.name_codes

    # Term frequency per (term, row) from one plain sort of packed keys (an argsort would be ~10× slower),
    # built in place: these are the largest arrays of a run.
    keys, found.keys = found.keys, np.zeros(0, dtype=np.int64)
    keys.sort()
    starts = np.flatnonzero(_run_starts(keys))
    counts = np.diff(starts, append=len(keys))
    keys = keys[starts]
    del starts
    # A text's own place names are not part of what happened.
    keep = np.ones(len(keys), dtype=bool)
    if len(name_rows_a) and len(keys):
        named = np.unique(name_codes_a << _ROW_BITS | name_rows_a)
        at = np.minimum(np.searchsorted(keys, named), len(keys) - 1)
        keep[at[keys[at] == named]] = False
    pair_rows = (keys & ((1 << _ROW_BITS) - 1)).astype(np.int32)
    keys >>= _ROW_BITS  # the term codes, sorted
    new_term = _run_starts(keys)
    vocabulary = keys[new_term]
    del keys
    column = np.cumsum(new_term, dtype=np.int32) - 1
    width = max(len(vocabulary), 1)
    # The commonest terms carry no event information.
    idf = _idf(vocabulary, {code: token for token, code in found.tokens.items()}, weights)
    keep &= idf[column] >= PRUNE_IDF
    values = (1.0 + np.log(counts[keep])) * idf[column[keep]] ** 2
    # The pairs are sorted by term, then row: a CSC matrix as they stand.
    indptr = np.concatenate([[0], np.cumsum(np.bincount(column[keep], minlength=width))])
    text = sparse.csc_matrix((values, pair_rows[keep], indptr), shape=(n, width)).tocsr()
    del values, pair_rows, column, keep, counts
    norms = np.sqrt(np.asarray(text.multiply(text).sum(axis=1)).ravel())
    text = sparse.diags(np.divide(1.0, norms, out=np.zeros(n), where=norms > 0)) @ text

    name_vocab, name_col = np.unique(name_codes_a, return_inverse=True)
    width = max(len(name_vocab), 1)
    site, idfs = found.name_site, found.name_idf

    def names(mask: np.ndarray, values: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix((values[mask], (name_rows_a[mask], name_col[mask])), shape=(n, width))

    everything = np.ones(len(site), dtype=bool)
    site_idf = names(site, idfs)
    name_idf = names(everything, idfs)
    district_text = sparse.csr_matrix(
        (np.ones(len(found.district_rows)), (found.district_rows, found.district_cols)),
        shape=(n, found.district_width),
    )
    district_text.data[:] = 1.0

    def depth(d: int) -> np.ndarray:
        return np.fromiter((it.area_path[d] if len(it.area_path) > d else -1 for it in items), np.int64, count=n)

    site_bin = site_idf.copy()
    site_bin.data[:] = 1.0
    name_bin = name_idf.copy()
    name_bin.data[:] = 1.0
    return Vectors(
        text=text.tocsr(),
        site_bin=site_bin,
        site_idf=site_idf,
        name_bin=name_bin,
        name_idf=name_idf,
        site_total=np.asarray(site_idf.sum(axis=1)).ravel(),
        name_total=np.asarray(name_idf.sum(axis=1)).ravel(),
        district_text=district_text,
        district_count=np.diff(district_text.indptr),
        district=depth(1),
        street=depth(2),
        community=depth(3),
        days=np.fromiter((it.created_at.timestamp() / 86400.0 for it in items), np.float64, count=n),
    )
