"""Rule triggers: Python expression syntax, restricted, evaluated in three-valued logic.

Why not FHIRPath or CEL: a case is re-assessed against ~50 triggers and the target is
5,000 cases a second on one core; the Python libraries for those languages interpret
each expression per call (~0.1-1 ms each). A trigger here is a documented subset of
Python's expression grammar (names of facts, numbers, strings, tuples, comparisons,
`and`, `or`, `not`, `in`), checked when the rule file is loaded and compiled once to
bytecode. Comparisons with an unknown (None) fact give None, and `and`/`or`/`not` follow
Kleene's three-valued logic, so "not known" never silently becomes "no" (invariant N4).
See docs/decisions/0005-rules-as-toml-with-three-valued-python-expressions.md.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any

from nowrongdoor.errors import DataError

Trigger = Callable[[Mapping[str, Any]], bool | None]

_OPERATORS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}


class _ThreeValued:
    """Write a checked expression as Python source that follows Kleene's logic and stops
    as soon as the answer is known: `and` at the first False, `or` at the first True, a
    comparison at an unknown side. Each value is held once in a fresh local (`:=`)."""

    def __init__(self) -> None:
        self.count = 0

    def local(self) -> str:
        self.count += 1
        return f"_{self.count}"

    def emit(self, node: ast.expr) -> str:
        if isinstance(node, ast.BoolOp):
            first, *rest = node.values
            if not rest:
                return self.emit(first)
            rest_source = self.emit(ast.BoolOp(node.op, rest) if len(rest) > 1 else rest[0])
            a, b = self.local(), self.local()
            if isinstance(node.op, ast.And):
                return (
                    f"(False if ({a} := {self.emit(first)}) is False else False "
                    f"if ({b} := {rest_source}) is False else None "
                    f"if {a} is None or {b} is None else True)"
                )
            return (
                f"(True if ({a} := {self.emit(first)}) is True else True "
                f"if ({b} := {rest_source}) is True else None "
                f"if {a} is None or {b} is None else False)"
            )
        if isinstance(node, ast.UnaryOp):
            a = self.local()
            return f"(None if ({a} := {self.emit(node.operand)}) is None else not {a})"
        if isinstance(node, ast.Compare):
            lefts = [node.left, *node.comparators[:-1]]
            pairs = zip(lefts, node.comparators, node.ops, strict=True)
            parts = [self.compare(left, right, op) for left, right, op in pairs]
            if len(parts) == 1:
                return parts[0]
            return self.emit(ast.BoolOp(ast.And(), [_Source(p) for p in parts]))
        if isinstance(node, _Source):
            return node.source
        if isinstance(node, ast.Name):
            return f"facts[{node.id!r}]"
        return repr(ast.literal_eval(node))  # a constant or a tuple of constants

    def compare(self, left: ast.expr, right: ast.expr, op: ast.cmpop) -> str:
        """A comparison that is unknown (None) when either side is."""
        symbol = _OPERATORS[type(op)]
        a = self.local()
        if isinstance(right, ast.Constant | ast.Tuple):  # a constant side is never unknown
            return (
                f"(None if ({a} := {self.emit(left)}) is None else {a} {symbol} {self.emit(right)})"
            )
        b = self.local()
        return (
            f"(None if ({a} := {self.emit(left)}) is None or ({b} := {self.emit(right)}) is None "
            f"else {a} {symbol} {b})"
        )


class _Source(ast.expr):
    """Source already written, standing in a tree as an operand (chained comparisons)."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source


_ALLOWED = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.Compare,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Tuple,
    *_OPERATORS,
)


def names_in(source: str) -> tuple[str, ...]:
    """The fact names a trigger reads, once each, in the order written."""
    tree = ast.parse(source, mode="eval")
    return tuple(dict.fromkeys(n.id for n in ast.walk(tree) if isinstance(n, ast.Name)))


def compile_trigger(source: str, known: Mapping[str, object], where: str) -> Trigger:
    """Check a trigger against the grammar and the known facts, and compile it once."""
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise DataError(f"{where}: trigger {source!r} is not an expression: {error.msg}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise DataError(
                f"{where}: trigger {source!r} uses {type(node).__name__}, which triggers "
                "may not (only facts, constants, comparisons, and/or/not, in)"
            )
        if isinstance(node, ast.Tuple) and not all(isinstance(e, ast.Constant) for e in node.elts):
            raise DataError(f"{where}: trigger {source!r} has a tuple of other than constants")
        if isinstance(node, ast.Name) and node.id not in known:
            raise DataError(f"{where}: trigger {source!r} names an unknown fact {node.id!r}")
    body = _ThreeValued().emit(tree.body)
    trigger: Trigger = eval(compile(f"lambda facts: {body}", where, "eval"), {})
    return trigger
