"""The benchmark dispatcher and the FAQ benchmark's output."""

from __future__ import annotations

import importlib
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
        "direct_right", "suggest_right", "confident_wrong", "off_topic_dont_know"
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
