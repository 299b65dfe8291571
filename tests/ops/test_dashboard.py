"""The sample Grafana dashboard names exactly the metric families bot/metrics.py defines."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import REGISTRY

import bot.metrics  # noqa: F401  (registers the families)

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana-dashboard.json"


def test_every_panel_query_names_a_defined_family_and_every_family_is_shown() -> None:
    panels = json.loads(DASHBOARD.read_text(encoding="utf-8"))["panels"]
    queried = {name for panel in panels for target in panel["targets"]
               for name in re.findall(r"ghimar_[a-z_]+", target["expr"])}
    samples = {s.name for family in REGISTRY.collect() if family.name.startswith("ghimar_")
               for s in family.samples} | {
        f"{f.name}{suffix}" for f in REGISTRY.collect() if f.name.startswith("ghimar_")
        for suffix in ("", "_total", "_count", "_sum", "_bucket")}
    assert sorted(queried - samples) == []
    families = {f.name for f in REGISTRY.collect() if f.name.startswith("ghimar_")}
    shown = {family for family in families
             if any(name == family or name.startswith(family + "_") for name in queried)}
    assert sorted(families - shown) == []
