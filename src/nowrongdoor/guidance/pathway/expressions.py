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
import operator
from collections.abc import Callable, Mapping
from typing import Any

from nowrongdoor.errors import DataError

Trigger = Callable[[Mapping[str, Any]], bool | None]

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


def _unknown_safe(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool | None]:
    """A comparison that is unknown (None) when either side is."""

    def compare(left: Any, right: Any) -> bool | None:
        if left is None or right is None:
            return None
        return op(left, right)

    return compare


def _and(*values: bool | None) -> bool | None:
    result: bool | None = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def _or(*values: bool | None) -> bool | None:
    result: bool | None = False
    for value in values:
        if value is True:
            return True
        if value is None:
            result = None
    return result


def _not(value: bool | None) -> bool | None:
    return None if value is None else not value


class _ToThreeValued(ast.NodeTransformer):
    """Rewrite a checked expression so that unknowns propagate instead of raising."""

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        function = "_and" if isinstance(node.op, ast.And) else "_or"
        values = [self.visit(v) for v in node.values]
        return ast.Call(ast.Name(function, ast.Load()), values, [])

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        return ast.Call(ast.Name("_not", ast.Load()), [self.visit(node.operand)], [])

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        parts: list[ast.expr] = []
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.visit(comparator)
            name = f"_{type(op).__name__}"
            parts.append(ast.Call(ast.Name(name, ast.Load()), [left, right], []))
            left = right
        if len(parts) == 1:
            return parts[0]
        return ast.Call(ast.Name("_and", ast.Load()), parts, [])

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.Subscript(ast.Name("facts", ast.Load()), ast.Constant(node.id), ast.Load())


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
    *_COMPARE,
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
        if isinstance(node, ast.Name) and node.id not in known:
            raise DataError(f"{where}: trigger {source!r} names an unknown fact {node.id!r}")
    body = _ToThreeValued().visit(tree.body)
    expression = ast.fix_missing_locations(
        ast.Expression(
            ast.Lambda(
                ast.arguments([], [ast.arg("facts")], None, [], [], None, []),
                body,
            )
        )
    )
    namespace: dict[str, Any] = {"_and": _and, "_or": _or, "_not": _not}
    namespace.update({f"_{op.__name__}": _unknown_safe(f) for op, f in _COMPARE.items()})
    trigger: Trigger = eval(compile(expression, where, "eval"), namespace)
    return trigger
