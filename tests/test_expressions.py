"""Rule triggers: the compiled, short-circuiting code agrees with Kleene's logic.

The reference below walks the expression tree and applies the three-valued tables one node
at a time, with no short-circuit; Hypothesis draws expressions and facts (unknowns
included) and the compiled trigger must give the same answer for every one.
"""

from __future__ import annotations

import ast
import operator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nowrongdoor.errors import DataError
from nowrongdoor.guidance.pathway.expressions import compile_trigger

FLAGS = ("a", "b", "c")
NUMBERS = ("n", "m")
KNOWN = dict.fromkeys(FLAGS + NUMBERS)
COMPARE = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.In: lambda x, y: x in y,
    ast.NotIn: lambda x, y: x not in y,
}


def reference(node: ast.expr, facts: dict[str, Any]) -> Any:
    if isinstance(node, ast.BoolOp):
        values = [reference(v, facts) for v in node.values]
        if isinstance(node.op, ast.And):
            return False if False in values else (None if None in values else True)
        return True if True in values else (None if None in values else False)
    if isinstance(node, ast.UnaryOp):
        value = reference(node.operand, facts)
        return None if value is None else not value
    if isinstance(node, ast.Compare):
        sides = [reference(v, facts) for v in [node.left, *node.comparators]]
        results = [
            None if x is None or y is None else COMPARE[type(op)](x, y)
            for x, y, op in zip(sides, sides[1:], node.ops, strict=False)
        ]
        return False if False in results else (None if None in results else True)
    if isinstance(node, ast.Name):
        return facts[node.id]
    return ast.literal_eval(node)


def flag_expressions() -> st.SearchStrategy[str]:
    number = st.sampled_from(NUMBERS)
    constant = st.integers(0, 4).map(str)
    comparison = st.builds(
        lambda x, op, y: f"{x} {op} {y}",
        number,
        st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
        st.one_of(number, constant),
    )
    chained = st.builds(lambda x, y: f"0 <= {x} <= {y}", number, constant)
    membership = st.builds(
        lambda x, op: f"{x} {op} (1, 3)", number, st.sampled_from(["in", "not in"])
    )
    leaf = st.one_of(st.sampled_from(FLAGS), comparison, chained, membership)
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            inner.map(lambda e: f"not ({e})"),
            st.lists(inner, min_size=2, max_size=3).map(
                lambda es: " and ".join(f"({e})" for e in es)
            ),
            st.lists(inner, min_size=2, max_size=3).map(
                lambda es: " or ".join(f"({e})" for e in es)
            ),
        ),
        max_leaves=6,
    )


FACTS = st.fixed_dictionaries(
    {
        **{name: st.sampled_from([True, False, None]) for name in FLAGS},
        **{name: st.one_of(st.none(), st.integers(0, 4)) for name in NUMBERS},
    }
)


@settings(max_examples=3_000)
@given(flag_expressions(), FACTS)
def test_compiled_trigger_agrees_with_kleene_logic(source: str, facts: dict[str, Any]) -> None:
    trigger = compile_trigger(source, KNOWN, "test")
    expected = reference(ast.parse(source, mode="eval").body, facts)
    assert trigger(facts) is expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("__import__('os')", "uses Call"),
        ("a.b", "uses Attribute"),
        ("n in (a, 1)", "tuple of other than constants"),
        ("unknown_fact", "names an unknown fact"),
        ("a and", "is not an expression"),
    ],
)
def test_a_trigger_outside_the_grammar_is_refused(source: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        compile_trigger(source, KNOWN, "test")
