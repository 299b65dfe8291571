"""A BM25 index over questions, paraphrases and answers, with fuzzy repair of typos."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from faq.model import FaqEntry
from faq.normalize import strip_article, terms_of, words

K1 = 1.2
B = 0.5
ANSWER_WEIGHT = 0.3  # answers hold many words a question will not use: weigh them lightly
ANSWER_COVER = 0.5  # a query word found only in the answer counts half towards coverage
FUZZY_MIN_LEN = 4  # shorter unknown words are not repaired: too many near neighbours
# Words naming the association itself say little about the topic of a question.
NAME_WORDS = frozenset({"جمعيه", "جمعيتكم", "غمار", "شبابيه", "ghimar", "association", "charity"})
NAME_WEIGHT = 0.3
FUTURE_PREFIXES = ("ب", "ح")
# A paraphrase longer than this is a whole message (greeting, personal context, the question):
# its many everyday words would match other entries' questions, so it teaches the classifiers
# and the embeddings (faq/classifier.py, faq/semantic.py) but is not a BM25 document.
BM25_MAX_WORDS = 10


@dataclass(frozen=True)
class Candidate:
    """An entry position with its BM25 score and the share of the query it covers."""

    entry: int
    bm25: float
    coverage: float


def _bm25_postings(
    docs: list[Counter[str]], k1: float = K1, b: float = B
) -> dict[str, list[tuple[int, float]]]:
    """Precomputed BM25 weight of each (term, document) pair, by term."""
    n = len(docs)
    avg = sum(sum(d.values()) for d in docs) / max(n, 1) or 1.0
    df: Counter[str] = Counter(t for d in docs for t in d)
    post: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, doc in enumerate(docs):
        norm = k1 * (1 - b + b * sum(doc.values()) / avg)
        for term, tf in doc.items():
            idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            post[term].append((i, idf * tf * (k1 + 1) / (tf + norm)))
    return dict(post)


def _as_arrays(
    post: dict[str, list[tuple[int, float]]],
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Postings as (document ids, weights) arrays, for one np.bincount per question."""
    return {
        term: (
            np.fromiter((d for d, _ in pairs), np.int64, len(pairs)),
            np.fromiter((w for _, w in pairs), np.float64, len(pairs)),
        )
        for term, pairs in post.items()
    }


def _accumulate(
    post: dict[str, tuple[np.ndarray, np.ndarray]],
    slots: list[tuple[float, dict[str, float]]],
    size: int,
) -> np.ndarray:
    """Per document, the sum over the question's terms of BM25 weight x typo weight x
    importance (the same products, added in the same order, as a loop over the postings)."""
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for importance, slot in slots:
        for term, weight in slot.items():
            hit = post.get(term)
            if hit is not None:
                ids.append(hit[0])
                weights.append(hit[1] * weight * importance)
    if not ids:
        return np.zeros(size)
    return np.bincount(np.concatenate(ids), np.concatenate(weights), minlength=size)


def _short(text: str) -> bool:
    """Whether a paraphrase is short enough to be a BM25 document (BM25_MAX_WORDS)."""
    return len(text.split()) <= BM25_MAX_WORDS


def _terms(texts: Iterable[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Index terms of the texts, and (word without article, word) pairs for fuzzy lookup."""
    terms: list[str] = []
    pairs: list[tuple[str, str]] = []
    for text in texts:
        for word in words(text):
            found = terms_of(word)
            terms.extend(found)
            if found:
                pairs.append((strip_article(word), word))
    return terms, pairs


class SearchIndex:
    """Ranks entries for a question; built once per knowledge-base version."""

    def __init__(self, entries: list[FaqEntry]) -> None:
        """Index every question, paraphrase (one document each) and answer (one per entry)."""
        self.entries = entries
        q_docs: list[Counter[str]] = []
        self._q_owner: list[int] = []
        self._q_union: list[frozenset[str]] = []
        self._a_terms: list[frozenset[str]] = []
        a_docs: list[Counter[str]] = []
        surface: dict[str, str] = {}
        for pos, entry in enumerate(entries):
            union: set[str] = set()
            texts = [
                *entry.question.values(),
                *(p for v in entry.paraphrases.values() for p in v if _short(p)),
            ]
            for text in texts:
                terms, pairs = _terms([text])
                q_docs.append(Counter(terms))
                self._q_owner.append(pos)
                union.update(terms)
                surface.update(pairs)
            a_terms, pairs = _terms(entry.answer.values())
            surface.update(pairs)
            a_docs.append(Counter(a_terms))
            self._q_union.append(frozenset(union))
            self._a_terms.append(frozenset(a_terms))
        self._q_post = _as_arrays(_bm25_postings(q_docs))
        self._a_post = _as_arrays(_bm25_postings(a_docs))
        n = len(entries)
        # question documents are grouped by entry: where each entry's run starts, and whether
        # it has any (every valid entry does: its question in two languages)
        owners = np.asarray(self._q_owner, dtype=np.int64)
        starts = np.searchsorted(owners, np.arange(n))
        self._q_has = np.diff(np.r_[starts, len(owners)]) > 0
        self._q_starts = np.minimum(starts, max(len(owners) - 1, 0))
        df: Counter[str] = Counter(
            t for u, a in zip(self._q_union, self._a_terms, strict=True) for t in u | a
        )
        self._idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self._idf_unknown = math.log(1 + (n + 0.5) / 0.5)
        self._surface = surface
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for key in surface:
            self._by_length[len(key)].append(key)
        self._fuzzy_cache: dict[str, dict[str, float]] = {}
        self._windows: dict[tuple[int, int], list[str]] = {}
        # known words of one length by each form with one letter deleted (built on first use)
        self._deletes: dict[int, dict[str, list[str]]] = {}
        self._rank = {k: i for keys in self._by_length.values() for i, k in enumerate(keys)}

    def clear_cache(self) -> None:
        """Forget repaired misspellings (benchmarks measure cold queries)."""
        self._fuzzy_cache.clear()

    def query_slots(self, text: str) -> list[tuple[float, dict[str, float]]]:
        """Per distinct query word: its importance, and its terms weighted by typo similarity."""
        slots: list[tuple[float, dict[str, float]]] = []
        seen: set[str] = set()
        for word in words(text):
            terms = terms_of(word)
            if not terms or word in seen:
                continue
            seen.add(word)
            known = any(t in self._idf for t in terms)
            slot = dict.fromkeys(terms, 1.0) if known else self._repair(word, terms)
            slots.append((NAME_WEIGHT if strip_article(word) in NAME_WORDS else 1.0, slot))
        return slots

    def unknown_share(self, text: str) -> float:
        """Share of the question's information (idf mass) in words no entry uses, 0..1."""
        total = unknown = 0.0
        for importance, slot in self.query_slots(text):
            known = [t for t in slot if t in self._idf]
            weight = importance * max(self._idf.get(t, self._idf_unknown) for t in slot)
            total += weight
            unknown += weight if not known else 0.0
        return unknown / total if total else 1.0

    def _repair(self, word: str, terms: tuple[str, ...]) -> dict[str, float]:
        """Terms of the closest known words for a misspelling, or the unknown terms."""
        core = strip_article(word)
        hit = self._fuzzy_cache.get(core)
        if hit is None:
            hit = self._nearest(core) or dict.fromkeys(terms, 1.0)
            if len(self._fuzzy_cache) < 50_000:
                self._fuzzy_cache[core] = hit
        return hit

    def _nearest(self, core: str) -> dict[str, float]:
        """Terms of all known words at the smallest edit distance, weighted by closeness."""
        # Gulf future prefix: "بيردون" is "يردون" ("they will reply")
        if core[:1] in FUTURE_PREFIXES and core[1:2] in "يتنا" and len(core) >= 5:
            bare = terms_of(core[1:])
            if any(t in self._idf for t in bare):
                return dict.fromkeys(bare, 0.9)
        if len(core) < FUZZY_MIN_LEN:
            return {}
        # one edit (a transposition counts once) in short words, two in longer ones
        if len(core) <= 7:
            found = self._one_edit(core)
        else:
            found = process.extract(
                core, self._window(len(core), 2), scorer=OSA.distance, score_cutoff=2, limit=8
            )
        if not found:
            return {}
        best = min(f[1] for f in found)
        # a repaired word counts less: a near neighbour may be another word entirely
        weight = min(0.9, max(0.4, 1 - 2.5 * best / len(core)))
        out: dict[str, float] = {}
        for key, dist, _ in found:
            if dist == best:
                out.update(dict.fromkeys(terms_of(self._surface[key]), weight))
        return out

    def _one_edit(self, core: str) -> list[tuple[str, int, int]]:
        """Known words within one edit of `core`, as `process.extract` over the window would
        return them (up to 8, nearest first, then in window order), without scanning it.

        Two words one edit apart (a letter changed, added, dropped, or two swapped) share a
        form with one letter deleted, or one is such a form of the other; so the candidates
        come from dictionaries of deleted forms and only they are measured. At 300 entries
        a repair took 6 ms over a window of ~27,000 words."""
        size = len(core)
        dropped = {core[:i] + core[i + 1 :] for i in range(size)}
        candidates = set(self._deleted(size + 1).get(core, ()))  # one letter added
        same = self._deleted(size)
        for form in dropped:
            candidates.update(same.get(form, ()))  # a letter changed or two swapped
            if form in self._surface:
                candidates.add(form)  # one letter dropped
        if core in self._surface:
            candidates.add(core)
        order = {n: i for i, n in enumerate(range(size - 1, size + 2))}
        scored = sorted(
            (d, order[len(k)], self._rank[k], k)
            for k in candidates
            if (d := OSA.distance(core, k, score_cutoff=1)) <= 1
        )
        return [(k, d, 0) for d, _, _, k in scored[:8]]

    def _deleted(self, size: int) -> dict[str, list[str]]:
        """Known words of `size` letters by each of their one-letter-deleted forms."""
        table = self._deletes.get(size)
        if table is None:
            table = defaultdict(list)
            for key in self._by_length.get(size, ()):
                for form in dict.fromkeys(key[:i] + key[i + 1 :] for i in range(size)):
                    table[form].append(key)
            table = self._deletes.setdefault(size, dict(table))
        return table

    def _window(self, size: int, limit: int) -> list[str]:
        """Known words within `limit` letters of `size` long (built once per window)."""
        keys = self._windows.get((size, limit))
        if keys is None:
            lengths = range(size - limit, size + limit + 1)
            keys = [k for n in lengths for k in self._by_length.get(n, ())]
            self._windows[(size, limit)] = keys
        return keys

    def search(self, text: str, limit: int | None = 3) -> list[Candidate]:
        """The best entries for the question, by BM25, each with its query coverage.

        An entry scores its best question or paraphrase plus ANSWER_WEIGHT x its answer; the
        postings are summed with numpy (one bincount per side): at 300 entries a question took
        0.78 ms in a Python loop over them and takes 0.22 ms (typo repair aside)."""
        slots = self.query_slots(text)
        docs = len(self._q_owner)
        if not docs:  # no entries
            return []
        per_doc = _accumulate(self._q_post, slots, docs)
        best = np.where(self._q_has, np.maximum.reduceat(per_doc, self._q_starts), 0.0)
        scores = best + ANSWER_WEIGHT * _accumulate(self._a_post, slots, len(self.entries))
        hits = np.flatnonzero(scores > 0)
        order = hits[np.lexsort((hits, -scores[hits]))][:limit]
        return [
            Candidate(int(pos), float(scores[pos]), self._coverage(slots, int(pos)))
            for pos in order
        ]

    def _coverage(self, slots: list[tuple[float, dict[str, float]]], pos: int) -> float:
        """Share of the query's information (idf mass) found in the entry, 0..1."""
        union, answer = self._q_union[pos], self._a_terms[pos]
        total = got = 0.0
        for importance, slot in slots:
            total += importance * max(self._idf.get(t, self._idf_unknown) for t in slot)
            best = 0.0
            for term, weight in slot.items():
                idf = self._idf.get(term, self._idf_unknown)
                if term in union:
                    best = max(best, idf * weight)
                elif term in answer:
                    best = max(best, idf * weight * ANSWER_COVER)
            got += importance * best
        return got / total if total else 0.0
