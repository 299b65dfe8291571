"""A text classifier of the entries: which entry a question belongs to, from its characters.

Each entry's question and paraphrases (both languages) are its training examples; a linear
SVM over TF-IDF character n-grams (2 to 4 letters inside words, scikit-learn) learns them.
Character n-grams carry what word matching misses in chat Arabic: a stem written without its
hamza, ة typed as ه, a dialect prefix (بـ، ح)، two words run together. The Arabic texts' Arabizi
shadows (faq/arabizi.py) train it too, so an Arabizi question, rewritten in Arabic letters,
meets its entry. It is fitted when the entries are loaded and needs no model file: 1 s at 45
entries, ~18 s at 300 (one-vs-rest over ~24,000 texts).

The scores are the SVM's decision values per entry (not probabilities): the fusion
(faq/fusion.py) turns them, with the other signals, into a calibrated probability.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from faq.arabizi import arabizi_shadows
from faq.model import FaqEntry
from faq.normalize import normalize_arabic

OUT_OF_SCOPE = Path(__file__).with_name("out_of_scope.txt")  # questions never to answer
MIN_DF = 2  # an n-gram counts from two training texts on (half the weights, same accuracy)
NGRAMS = (2, 4)  # character n-gram lengths, inside word boundaries
SVM_C = 1.0  # inverse regularisation of the linear SVM (scikit-learn's default)


def classifier_text(text: str) -> str:
    """The form a text is classified in: Arabic letters unified, lower case."""
    return normalize_arabic(text)


@dataclass(frozen=True)
class LinearScores:
    """One row of weights and one bias per entry position: score = coef . x + intercept."""

    coef: np.ndarray
    intercept: np.ndarray

    def of_dense(self, x: np.ndarray) -> np.ndarray:
        """Every entry's score for one dense feature vector.

        einsum, not `@`: it stays in this thread (see EntryVectors.scores)."""
        return np.einsum("ij,j->i", self.coef, x) + self.intercept

    def of_sparse(self, cols: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Every entry's score for one sparse feature vector (its columns and values)."""
        return np.einsum("ij,j->i", self.coef[:, cols], values) + self.intercept

    @property
    def nbytes(self) -> int:
        """Memory held by the weights."""
        return int(self.coef.nbytes + self.intercept.nbytes)


def fit_linear_svm(x: Any, owner: list[int] | np.ndarray, c: float) -> LinearScores | None:
    """A one-vs-rest linear SVM (scikit-learn's LinearSVC) of the rows `x` labelled by class
    (entry position, then the out-of-scope class); None without scikit-learn or with fewer
    than two classes."""
    try:
        from sklearn.svm import LinearSVC
    except ImportError:
        return None
    labels = np.asarray(owner)
    if len(np.unique(labels)) < 2:
        return None
    svm = LinearSVC(C=c)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a convergence note on tiny test sets
        svm.fit(x, labels)
    coef = np.asarray(svm.coef_, dtype=np.float32)
    intercept = np.asarray(svm.intercept_, dtype=np.float32)
    if len(svm.classes_) == 2:  # scikit-learn keeps one row for two classes
        coef, intercept = np.vstack([-coef, coef]), np.r_[-intercept, intercept]
    if not np.array_equal(svm.classes_, np.arange(labels.max() + 1)):
        full = np.zeros((int(labels.max()) + 1, coef.shape[1]), np.float32)
        bias = np.full(int(labels.max()) + 1, -1e3, np.float32)  # an entry with no text
        full[svm.classes_], bias[svm.classes_] = coef, intercept
        coef, intercept = full, bias
    return LinearScores(coef, intercept)


class EntryClassifier:
    """Linear scores of every entry for a question, from a character n-gram SVM."""

    def __init__(self, vectorizer: Any, weights: LinearScores, count: int) -> None:
        """Use fit(); `count` entries, then (when trained) the out-of-scope class."""
        self._vectorizer = vectorizer
        self._weights = weights
        self.count = count
        self._analyze = vectorizer.build_analyzer()
        self._vocabulary: dict[str, int] = vectorizer.vocabulary_
        self._idf = np.asarray(vectorizer.idf_, dtype=np.float32)

    @classmethod
    def fit(cls, entries: list[FaqEntry]) -> EntryClassifier | None:
        """Train on the entries' questions and paraphrases, and the out-of-scope examples as
        one more class; None with fewer than two entries or without scikit-learn."""
        try:
            from sklearn.feature_extraction.text import TfidfVectorizer
        except ImportError:
            return None
        texts, owner = [], []
        for pos, entry in enumerate(entries):
            for text in _training_texts(entry):
                texts.append(classifier_text(text))
                owner.append(pos)
        for text in out_of_scope_texts():
            texts.append(classifier_text(text))
            owner.append(len(entries))
        if len(entries) < 2:
            return None
        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True, min_df=MIN_DF
        )
        weights = fit_linear_svm(vectorizer.fit_transform(texts), owner, SVM_C)
        return cls(vectorizer, weights, len(entries)) if weights is not None else None

    def scores(self, text: str) -> tuple[np.ndarray, float]:
        """The decision value of every entry (by position) for the question, and of the
        out-of-scope class (-1.0 when it had no examples)."""
        cols, data = self.features(text)
        values = self._weights.of_sparse(cols, data)
        outside = float(values[self.count]) if len(values) > self.count else -1.0
        return values[: self.count], outside

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The question's TF-IDF row as (columns, values): what the vectorizer's transform()
        gives (sublinear tf times idf, unit length), computed without its input checks, which
        cost ten times the arithmetic on one short text."""
        counts: dict[int, int] = {}
        for gram in self._analyze(classifier_text(text)):
            col = self._vocabulary.get(gram)
            if col is not None:
                counts[col] = counts.get(col, 0) + 1
        cols = np.fromiter(counts, dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        data = (np.log(tf) + 1.0) * self._idf[cols]
        norm = float(np.sqrt(np.dot(data, data)))
        return cols, (data / norm if norm else data)

    @property
    def nbytes(self) -> int:
        """Memory held by the weights and the n-gram vocabulary (estimated)."""
        vocab = len(self._vectorizer.vocabulary_) * 120  # a dict slot, a short str, an int
        return self._weights.nbytes + vocab


def out_of_scope_texts(path: Path = OUT_OF_SCOPE) -> list[str]:
    """The out-of-scope examples (one question a line, `#` comments); none if the file is
    missing."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _training_texts(entry: FaqEntry) -> list[str]:
    """The entry's question and paraphrases, and the Arabic ones' Arabizi shadows."""
    pairs = [*entry.question.items(), *((k, p) for k, ps in entry.paraphrases.items() for p in ps)]
    texts = [text for _, text in pairs]
    texts += [shadow for lang, text in pairs if lang == "ar" for shadow in arabizi_shadows(text)]
    return texts
