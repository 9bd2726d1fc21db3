"""Evaluate a small spreadsheet expression exactly, in Decimal.

Used to check what a spreadsheet's ROUND ought to give: number literals are read
from their text (1.005 stays 1.005, not the nearest binary double), arithmetic runs
in the engine's Decimal context, and ROUND is the engine's round_half_up.
Supports + - * /, unary minus, parentheses, ROUND, MIN, MAX and SUM; the
expression is written as in a formula, without the leading "=".
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from decimal import Decimal

from perfeval_xl.engine.numbers import CONTEXT, round_half_up

_BINARY: dict[type[ast.operator], Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: CONTEXT.add,
    ast.Sub: CONTEXT.subtract,
    ast.Mult: CONTEXT.multiply,
    ast.Div: CONTEXT.divide,
}


def evaluate(expression: str) -> Decimal:
    """The exact value of `expression`, e.g. evaluate("ROUND(1.62/8*10,2)") == Decimal("2.03")."""
    # Formula syntax for these operators and calls is also Python syntax.
    tree = ast.parse(expression, mode="eval")
    return _eval(tree.body, expression)


def _eval(node: ast.expr, source: str) -> Decimal:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return Decimal(ast.get_source_segment(source, node) or "")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _eval(node.operand, source)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_eval(node.left, source), _eval(node.right, source))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        args = [_eval(arg, source) for arg in node.args]
        name = node.func.id.upper()
        if name == "ROUND" and len(args) == 2 and args[1] == args[1].to_integral_value() and args[1] >= 0:
            return round_half_up(args[0], int(args[1]))
        if name in ("MIN", "MAX") and args:
            return min(args) if name == "MIN" else max(args)
        if name == "SUM":
            return functools.reduce(CONTEXT.add, args, Decimal(0))
    raise ValueError(f"unsupported expression part {ast.get_source_segment(source, node)!r} in {source!r}")
