"""The codec: flows declare their payload prefixes and commands; the engine names no flow."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.engine.codec import Codec
from bot.engine.flow import Flow
from bot.engine.matching import GLOBAL_WORDS
from bot.engine.runner import MENU_FLOW, WELCOME_FLOW, Runner
from conversations import build_flows

ENGINE = Path(__file__).resolve().parents[2] / "bot" / "engine"


def test_declarations_of_the_flows_are_collected() -> None:
    codec = Runner(build_flows()).codec
    assert codec.flow_for_payload("srv:12:5") == "survey"
    assert codec.flow_for_payload("docs:4") == "documents"
    assert codec.flow_for_payload("menu:status") is None
    assert codec.flow_for_payload(None) is None
    assert (codec.flow_for_command("person"), codec.flow_for_command("lang"),
            codec.flow_for_command("feedback")) == ("escalate", "language", "feedback")
    assert codec.flow_for_command("dance") is None


def test_longest_prefix_wins() -> None:
    codec = Codec.from_flows([Flow("a", "s", payload_prefixes=("x:",)),
                              Flow("b", "s", payload_prefixes=("x:y:",))])
    assert (codec.flow_for_payload("x:y:1"), codec.flow_for_payload("x:1")) == ("b", "a")


@pytest.mark.parametrize("flows", [
    [Flow("a", "s", commands=("person",)), Flow("b", "s", commands=("person",))],
    [Flow("a", "s", payload_prefixes=("x:",)), Flow("b", "s", payload_prefixes=("x:",))],
    [Flow("a", "s", commands=("menu",))],  # the engine's own command
    [Flow("a", "s", commands=("lang:en",))],
    [Flow("a", "s", payload_prefixes=("nav:x",))],  # the engine's navigation
    [Flow("a", "s", payload_prefixes=("",))],
])
def test_a_claim_already_taken_is_a_wiring_error(flows: list[Flow]) -> None:
    with pytest.raises(ValueError, match="taken"):
        Codec.from_flows(flows)


def _strings(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)}
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and id(node) not in docstrings}


def test_the_engine_names_no_flow_but_menu_and_welcome() -> None:
    flows = [f for f in build_flows().values() if f.id not in (MENU_FLOW, WELCOME_FLOW)]
    typed = {word for words in GLOBAL_WORDS.values() for word in words}  # "language" typed
    strings = set().union(*(_strings(p) for p in sorted(ENGINE.glob("*.py")))) - typed
    named = sorted(f.id for f in flows if f.id in strings)
    prefixes = sorted(p for f in flows for p in f.payload_prefixes
                      if any(p in s for s in strings))
    assert (named, prefixes) == ([], [])
    assert "srv:" in {p for f in flows for p in f.payload_prefixes}  # the check sees prefixes
