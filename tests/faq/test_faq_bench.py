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
    """`python -m bench faq --quick` prints a table, writes JSON, ends with one summary line."""
    monkeypatch.syspath_prepend(str(ROOT))
    dispatcher = importlib.import_module("bench.__main__")
    assert "faq" in dispatcher.available()
    out = tmp_path / "faq.json"
    assert dispatcher.main(["faq", "--quick", "--size", "80", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("faq: top-1 ")
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report["results"]) == {"real", "x80"}
    assert report["results"]["x80"]["entries"] == 80
    assert report["results"]["real"]["speed"]["ms_mean"] > 0


def test_dispatcher_lists_benchmarks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No name: usage and the list; an unknown name: exit code 2."""
    monkeypatch.syspath_prepend(str(ROOT))
    dispatcher = importlib.import_module("bench.__main__")
    assert dispatcher.main([]) == 0
    assert "faq" in capsys.readouterr().out
    assert dispatcher.main(["nope"]) == 2
