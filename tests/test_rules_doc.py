"""docs/rules.md must show the catalogue as the rule data has it."""

from __future__ import annotations

import importlib.util

from helpers import ROOT


def test_rules_doc_is_generated_from_the_data() -> None:
    spec = importlib.util.spec_from_file_location("rules_doc", ROOT / "scripts" / "rules_doc.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == module.render()
