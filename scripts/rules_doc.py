"""Write docs/rules.md from the rule data (a test checks it is up to date).

Run: uv run python scripts/rules_doc.py > docs/rules.md
"""

from __future__ import annotations

from nowrongdoor.guidance.pathway import ruleset


def render() -> str:
    rules = ruleset.default()
    lines = [
        "# Pathway rule catalogue (generated from the rule data)",
        "",
        f"Rule set `{rules.name}` {rules.version}. Regenerate with "
        "`uv run python scripts/rules_doc.py > docs/rules.md`.",
        "",
        "| code | group | priority | when | recommends | source | the source's words |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in rules.rules:
        cells = [
            rule.code,
            rule.group,
            rule.priority,
            f"`{rule.when()}`",
            rule.text,
            rule.source,
            f"“{rule.quote}”" if rule.quote else "",
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines += ["", "## ASK codes raised when a fact is unknown (invariant N4)", ""]
    lines += [
        f"- **{a.code}** ({a.priority}): {a.text} — {a.source}"
        + (f" (“{a.quote}”)" if a.quote else "")
        for a in rules.asks.values()
    ]
    lines += ["", "## Sources", ""]
    lines += [f"- **{s.key}** ({s.kind}): {s.reference}" for s in rules.sources.values()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
