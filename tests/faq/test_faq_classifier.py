"""The entry classifiers: character n-grams and vectors, with an out-of-scope class."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from faq import DEFAULT_FOLDER
from faq.arabizi import arabizi_shadows, to_arabic
from faq.classifier import EntryClassifier, fit_linear_svm, out_of_scope_texts
from faq.loader import read_folder

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def classifier() -> tuple[EntryClassifier, list[str]]:
    """The classifier of the repository's entries, and their ids by position."""
    entries = list(read_folder(DEFAULT_FOLDER)[0].values())
    fitted = EntryClassifier.fit(entries)
    assert fitted is not None
    return fitted, [e.id for e in entries]


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("ابي اتطوع عندكم", "volunteer"),  # Najdi, no hamza
        ("وش الاوراق المطلوبه للطلب", "documents"),  # ه for ة
        ("متى تداومون", "working-hours"),  # a paraphrase word for word
        ("how can i volunter", "volunteer"),  # a typo in English
    ],
)
def test_char_classifier_puts_the_entry_first(
    classifier: tuple[EntryClassifier, list[str]], question: str, entry_id: str
) -> None:
    """Chat spellings land on their entry by their characters."""
    model, ids = classifier
    scores, _ = model.scores(question)
    assert len(scores) == len(ids)
    assert ids[int(np.argmax(scores))] == entry_id


@pytest.mark.parametrize(
    "question",
    ["كيف اقدم طلب دعم؟ كيف اقدم", "how can i volunter", "zzzz qqqq", "ابي ا3رف 7الة طلبي", ""],
)
def test_features_are_the_vectorizers_transform(
    classifier: tuple[EntryClassifier, list[str]], question: str
) -> None:
    """The hand-rolled TF-IDF row equals scikit-learn's transform() of the same text, repeated
    n-grams, unknown n-grams and an empty text included."""
    from faq.classifier import classifier_text

    model, _ = classifier
    cols, data = model.features(question)
    row = model._vectorizer.transform([classifier_text(question)])
    expected = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
    got = dict(zip(cols.tolist(), data.tolist(), strict=True))
    assert got == pytest.approx(expected, rel=1e-5)


def test_out_of_scope_class_outscores_every_entry_for_an_off_topic_question(
    classifier: tuple[EntryClassifier, list[str]],
) -> None:
    """A question like the out-of-scope examples scores higher there than on any entry, and a
    real question the other way round."""
    model, _ = classifier
    scores, outside = model.scores("متى ينزل حساب المواطن هالشهر")
    assert outside > float(scores.max())
    scores, outside = model.scores("كيف اقدم طلب دعم")
    assert outside < float(scores.max())


def test_out_of_scope_examples_are_read_without_comments(tmp_path: Path) -> None:
    """Blank lines and `#` comments are skipped; a missing file gives no examples."""
    path = tmp_path / "oos.txt"
    path.write_text("# a comment\n\nكيف الجو\n  # indented comment\nwhat time is it\n", "utf-8")
    assert out_of_scope_texts(path) == ["كيف الجو", "what time is it"]
    assert out_of_scope_texts(tmp_path / "missing.txt") == []
    assert len(out_of_scope_texts()) >= 200  # the shipped file


def test_linear_svm_keeps_one_row_per_class() -> None:
    """Two classes get two rows (scikit-learn keeps one); a class with no rows scores lowest."""
    x = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    two = fit_linear_svm(x, [0, 0, 1, 1], 1.0)
    assert two is not None and two.coef.shape == (2, 2)
    assert int(np.argmax(two.of_dense(np.array([1.0, 0.0])))) == 0
    assert int(np.argmax(two.of_dense(np.array([0.0, 1.0])))) == 1
    gap = fit_linear_svm(x, [0, 0, 2, 2], 1.0)  # class 1 has no example
    assert gap is not None and gap.coef.shape == (3, 2)
    assert int(np.argmin(gap.of_dense(np.array([0.5, 0.5])))) == 1
    assert fit_linear_svm(x, [0, 0, 0, 0], 1.0) is None


def test_arabizi_shadows_meet_the_arabizi_spelling() -> None:
    """An Arabic text's shadows include the spelling its Arabizi form comes back in."""
    assert to_arabic("bayanati") in arabizi_shadows("بياناتي")  # short vowels lost: بينتي
    tiftahoon = to_arabic("mata tiftahoon").split()[1]  # ح typed as h comes back as ه
    assert any(tiftahoon in shadow.split() for shadow in arabizi_shadows("متى تفتحون"))
    shadows = arabizi_shadows("وش الاوراق المطلوبة")
    assert "وش الاوراق المطلوبه" not in shadows  # the text itself is not a shadow
    assert all(shadow.split()[1].startswith("ال") for shadow in shadows)  # the article kept
