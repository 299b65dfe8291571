"""Required documents may depend on the answers (`unless:` in config.yaml), issue 19."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, DocumentRule, load_config
from bot.settings import ROOT


def test_income_proof_is_not_required_without_income() -> None:
    config = load_config(ROOT / "config.yaml")
    financial = config.support_type("financial")
    assert financial is not None
    proof = next(d for d in financial.documents if d.id == "income_proof")
    assert proof.unless == "income == 0"
    assert not proof.required_for({"income": 0})
    assert proof.required_for({"income": 2500})
    assert proof.required_for({})  # not answered yet: still listed


@pytest.mark.parametrize(("condition", "answers", "required"), [
    ("family_size > 10", {"family_size": 11}, False),
    ("family_size > 10", {"family_size": 10}, True),
    ("income <= 1000", {"income": 1000}, False),
    ("income != 0", {"income": 0}, True),
])
def test_conditions(condition: str, answers: dict[str, int], required: bool) -> None:
    rule = DocumentRule(id="income_proof", unless=condition)
    assert rule.required_for(answers) is required


@pytest.mark.parametrize("condition", ["income = 0", "salary == 0", "income == zero", "1 == 1"])
def test_a_bad_condition_names_its_key(tmp_path: Path, condition: str) -> None:
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    path = tmp_path / "config.yaml"
    path.write_text(text.replace('unless: "income == 0"', f'unless: "{condition}"', 1),
                    encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "support_types.0.documents.1.unless" in str(err.value)
