"""Python expressions of mapping lines, evaluated in a simpleeval sandbox.

An expression sees two names, ``value`` (the line's own value) and ``payload`` (the whole
external object, or the whole Odoo record on the way out), and a few pure helpers. It cannot
import, define functions, assign, reach attributes outside a short allow-list, or build values
bigger than ``MAX_SIZE``; each evaluation stops after ``TIME_LIMIT`` seconds of its thread's CPU or ``MAX_STEPS``
evaluated nodes. Expressions are compiled and checked when the line is saved.

Limits hold inside one operation, since one C-level call (a sort, a join) can run for seconds
without a node being evaluated: a value's size is its *weight*, the characters and items at every
depth (``[[0] * 100] * 100`` weighs 10 100), checked before a result is built, never after; all
that one evaluation builds together may weigh at most ``MAX_BUILT`` (a memory cap at the source);
and the line's value may weigh at most ``MAX_INPUT_SIZE``, so no caller-sized input reaches a helper.
"""

import ast
import contextvars
import datetime as dt
import math
import operator as op
import re
import time
import zoneinfo
from dataclasses import dataclass, field

import simpleeval

MAX_SOURCE_LENGTH = 2000
MAX_SIZE = 10_000  # weight (characters and items, at every depth) of one value built by an expression
MAX_BUILT = 100_000  # weight of everything one evaluation builds, all values together
MAX_INPUT_SIZE = 100_000  # weight of the line's value an expression accepts
MAX_INT_BITS = 4096
MAX_STEPS = 20_000
# Seconds of the evaluating thread's CPU: a wall clock also counted the time a busy machine or another
# thread kept it waiting, and refused a plain format_date on a loaded CI host.
TIME_LIMIT = 0.1

NAMES = ("value", "payload")

ODOO_DATE = "%Y-%m-%d"
ODOO_DATETIME = "%Y-%m-%d %H:%M:%S"

# strftime/strptime directives only: a width such as "%999999999Y" would let glibc build a huge string.
_FORMAT = re.compile(r"^(?:[^%]|%[-]?[A-Za-z%])*$")


class ExpressionError(ValueError):
    """An expression that cannot be compiled, or that failed or overstepped a limit when evaluated."""


def check_format(fmt) -> str:
    """A strftime/strptime format limited to plain directives (no field widths)."""
    if not isinstance(fmt, str) or not fmt or len(fmt) > 100 or not _FORMAT.match(fmt):
        raise ExpressionError(f"Invalid date format {fmt!r}: use strftime directives such as %d/%m/%Y.")
    return fmt


class _Budget:
    """What one evaluation has built: weights known by object (values never change inside one), and their total."""

    def __init__(self) -> None:
        # id -> (the object, kept alive so that its id is not reused; its weight)
        self.weights: dict[int, tuple[object, int]] = {}
        self.built = 0


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("sandbox_budget", default=None)

_CONTAINERS = (list, tuple, dict, set, frozenset)
_TOO_LARGE = f"Result too large (more than {MAX_SIZE} characters or items)."


def weight(value) -> int:
    """Characters of strings and items of containers, at every depth; counting stops past MAX_INPUT_SIZE."""
    if isinstance(value, str | bytes):
        return len(value)
    if not isinstance(value, _CONTAINERS):
        return 0
    budget = _budget.get()
    known = budget.weights.get(id(value)) if budget is not None else None
    if known is not None:
        return known[1]
    total = len(value)
    children = (item for pair in value.items() for item in pair) if isinstance(value, dict) else value
    for child in children:
        if total > MAX_INPUT_SIZE:
            break  # already too large for anything: counting on would cost as much as the input
        if isinstance(child, (str, bytes, *_CONTAINERS)):
            total += weight(child)
    if budget is not None:
        budget.weights[id(value)] = (value, total)
    return total


def _refuse_over(size: int) -> None:
    if size > MAX_SIZE:
        raise ExpressionError(_TOO_LARGE)


def _bounded(value, *, charge: bool = True):
    _refuse_over(weight(value))
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise ExpressionError(f"Number too large (more than {MAX_INT_BITS} bits).")
    budget = _budget.get()
    if charge and budget is not None:
        budget.built += weight(value)
        if budget.built > MAX_BUILT:
            raise ExpressionError(f"Expression built more than {MAX_BUILT} characters or items in all.")
    return value


def _small(value, what: str):
    """``value`` when it weighs at most MAX_SIZE: what a helper may work on in one C-level call."""
    if weight(value) > MAX_SIZE:
        raise ExpressionError(f"{what} of more than {MAX_SIZE} characters or items.")
    return value


def _power(a, b):
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        if abs(a).bit_length() * b > MAX_INT_BITS:
            raise ExpressionError(f"Number too large (more than {MAX_INT_BITS} bits).")
    elif isinstance(b, int | float) and abs(b) > MAX_INT_BITS:
        raise ExpressionError(f"Exponent too large (at most {MAX_INT_BITS}).")
    return _bounded(op.pow(a, b))


def _mult(a, b):
    for sequence, times in ((a, b), (b, a)):
        if isinstance(sequence, str | bytes | list | tuple) and isinstance(times, int):
            # [[0] * 10000] * 10000 is ten thousand references, but a hundred million items to sort or join
            _refuse_over(max(weight(sequence), 1) * max(times, 0))
    return _bounded(op.mul(a, b))


def _add(a, b):
    if isinstance(a, (str, bytes, *_CONTAINERS)) or isinstance(b, (str, bytes, *_CONTAINERS)):
        _refuse_over(weight(a) + weight(b))
    return _bounded(op.add(a, b))


def _mod(a, b):
    # "%" on a string is printf formatting, whose widths can build huge strings
    if isinstance(a, str | bytes):
        raise ExpressionError("String formatting with % is not available; use + and str().")
    return op.mod(a, b)


def _shift(operation):
    def shift(a, b):
        if abs(b) > MAX_INT_BITS:
            raise ExpressionError(f"Shift too large (at most {MAX_INT_BITS}).")
        return _bounded(operation(a, b))

    return shift


OPERATORS = {
    ast.Add: _add,
    ast.Sub: op.sub,
    ast.Mult: _mult,
    ast.Div: op.truediv,
    ast.FloorDiv: op.floordiv,
    ast.Mod: _mod,
    ast.Pow: _power,
    ast.LShift: _shift(op.lshift),
    ast.RShift: _shift(op.rshift),
    ast.BitAnd: op.and_,
    ast.BitOr: op.or_,
    ast.BitXor: op.xor,
    ast.USub: op.neg,
    ast.UAdd: op.pos,
    ast.Not: op.not_,
    ast.Invert: op.invert,
    ast.Eq: op.eq,
    ast.NotEq: op.ne,
    ast.Gt: op.gt,
    ast.Lt: op.lt,
    ast.GtE: op.ge,
    ast.LtE: op.le,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: op.is_,
    ast.IsNot: op.is_not,
}

# Read-only methods: nothing that mutates the payload or pads a string to a caller-chosen width.
ALLOWED_ATTRS: dict = {
    str: {
        "lower",
        "upper",
        "strip",
        "lstrip",
        "rstrip",
        "title",
        "capitalize",
        "startswith",
        "endswith",
        "split",
        "rsplit",
        "find",
        "count",
        "isdigit",
        "isalpha",
        "isalnum",
        "isspace",
        "removeprefix",
        "removesuffix",
    },
    dict: {"get", "keys", "values", "items"},
    list: {"index", "count"},
    tuple: {"index", "count"},
}


# str methods that answer a question and build nothing: a long string costs them one linear scan
_STR_QUESTIONS = frozenset({"startswith", "endswith", "find", "count", "isdigit", "isalpha", "isalnum", "isspace"})


# -- helpers: pure functions on JSON-like values ---------------------------------------------------


def _str(value=""):
    return _bounded(str(_small(value, "str()")))


def _int(value=0):
    if isinstance(value, str) and len(value) > 100:
        raise ExpressionError("int() of a string longer than 100 characters.")
    return int(value)


def _float(value=0.0):
    if isinstance(value, str) and len(value) > 100:
        raise ExpressionError("float() of a string longer than 100 characters.")
    return float(value)


def _replace(text: str, old: str, new: str) -> str:
    if not all(isinstance(x, str) for x in (text, old, new)):
        raise ExpressionError("replace() takes three strings.")
    _small(text, "replace()")
    count = text.count(old) if old else len(text) + 1
    _refuse_over(len(text) + count * (len(new) - len(old)))
    return _bounded(text.replace(old, new))


def _join(separator: str, items) -> str:
    if not isinstance(separator, str) or not isinstance(items, list | tuple):
        raise ExpressionError("join() takes a separator and a list of strings.")
    _small(items, "join()")
    parts, length = [], 0
    for item in items:
        # each part is counted before the next is built: the result never grows past the limit
        part = item if isinstance(item, str) else str(item)
        length += len(part) + (len(separator) if parts else 0)
        _refuse_over(length)
        parts.append(part)
    return _bounded(separator.join(parts))


def _split(text: str, separator: str | None = None) -> list:
    if not isinstance(text, str):
        raise ExpressionError("split() takes a string.")
    return _bounded(_small(text, "split()").split(separator))


def _get(container, path: str, default=None):
    """``get(payload, "address.city")``: a dotted path into nested objects, ``default`` when absent."""
    current = container
    for part in str(path).split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif (
            isinstance(current, list | tuple)
            and part.lstrip("-").isdigit()
            and -len(current) <= int(part) < len(current)
        ):
            current = current[int(part)]
        else:
            return default
    return current


def _zone(tz: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise ExpressionError(f"Unknown time zone {tz!r}.") from None


def _parse_date(text: str, fmt: str = ODOO_DATE) -> str:
    """External date text in ``fmt`` -> Odoo date ``YYYY-MM-DD``."""
    return dt.datetime.strptime(str(text), check_format(fmt)).date().strftime(ODOO_DATE)


def _format_date(value: str, fmt: str = ODOO_DATE):
    """Odoo date ``YYYY-MM-DD`` -> text in ``fmt`` (None for an empty Odoo value)."""
    if not value:
        return None
    return dt.date.fromisoformat(str(value)[:10]).strftime(check_format(fmt))


def _parse_datetime(text: str, fmt: str = ODOO_DATETIME, tz: str = "UTC") -> str:
    """External date-time text in ``fmt`` (local to ``tz`` unless it carries an offset) -> Odoo UTC."""
    parsed = dt.datetime.strptime(str(text), check_format(fmt))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_zone(tz))
    return parsed.astimezone(dt.UTC).strftime(ODOO_DATETIME)


def _format_datetime(value: str, fmt: str = ODOO_DATETIME, tz: str = "UTC"):
    """Odoo UTC ``YYYY-MM-DD HH:MM:SS`` -> text in ``fmt`` in time zone ``tz``."""
    if not value:
        return None
    moment = dt.datetime.strptime(str(value), ODOO_DATETIME).replace(tzinfo=dt.UTC)
    return moment.astimezone(_zone(tz)).strftime(check_format(fmt))


def _add_days(value: str, days: int) -> str:
    """Odoo date plus ``days`` days."""
    return (dt.date.fromisoformat(str(value)[:10]) + dt.timedelta(days=int(days))).strftime(ODOO_DATE)


def _sum(items, start=0):
    # numbers only: a sum of lists or strings copies the growing total at every item
    if not isinstance(start, int | float) or isinstance(start, bool):
        raise ExpressionError("sum() adds numbers; use join() for strings.")
    total = start
    for item in _small(items, "sum()") if isinstance(items, list | tuple) else items:
        if not isinstance(item, int | float) or isinstance(item, bool):
            raise ExpressionError("sum() adds numbers; use join() for strings.")
        total = _bounded(total + item)
    return total


def _sorted(items, reverse=False):
    # a sort compares whole nested values: bounded by their weight, before it starts
    return _bounded(sorted(_small(items, "sorted()"), reverse=bool(reverse)))


def _extreme(pick):
    def extreme(*args, **kwargs):
        for arg in args:
            _small(arg, f"{pick.__name__}()")
        return pick(*args, **kwargs)

    return extreme


def _round(number, digits=None):
    if digits is not None and abs(int(digits)) > 100:
        raise ExpressionError("round() to more than 100 digits.")
    return round(number, digits)


FUNCTIONS = {
    "str": _str,
    "int": _int,
    "float": _float,
    "bool": bool,
    "round": _round,
    "abs": abs,
    "min": _extreme(min),
    "max": _extreme(max),
    "len": len,
    "sum": _sum,
    "sorted": _sorted,
    "upper": lambda s: _str(s).upper(),
    "lower": lambda s: _str(s).lower(),
    "strip": lambda s: _str(s).strip(),
    "title": lambda s: _str(s).title(),
    "replace": _replace,
    "split": _split,
    "join": _join,
    "get": _get,
    "parse_date": _parse_date,
    "format_date": _format_date,
    "parse_datetime": _parse_datetime,
    "format_datetime": _format_datetime,
    "add_days": _add_days,
}

# AST nodes an expression may contain; anything else (lambda, walrus, assignment...) fails the check.
_ALLOWED_NODES = (
    ast.Expression,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Store,  # comprehension targets only
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.keyword,
    ast.Subscript,
    ast.Slice,
    ast.Attribute,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.ListComp,
    ast.GeneratorExp,
    ast.comprehension,
    ast.JoinedStr,
    ast.FormattedValue,
    ast.operator,
    ast.unaryop,
    ast.boolop,
    ast.cmpop,
    ast.expr_context,
)


class _Evaluator(simpleeval.EvalWithCompoundTypes):
    """simpleeval with a step and time budget checked at every node."""

    def __init__(self, names: dict):
        super().__init__(operators=OPERATORS, functions=dict(FUNCTIONS), names=names, allowed_attrs=ALLOWED_ATTRS)
        # EvalWithCompoundTypes adds list/tuple/dict/set constructors: keep only the bounded helpers.
        self.functions = dict(FUNCTIONS)
        self._steps = 0
        self._deadline = 0.0

    def run(self, tree: ast.AST):
        self._steps = 0
        self._deadline = time.thread_time() + TIME_LIMIT
        token = _budget.set(_Budget())
        try:
            return self.eval("", previously_parsed=tree.body)
        finally:
            _budget.reset(token)

    # Every value an expression builds is weighed (literals, comprehensions, f-strings, method results).
    def _eval_list(self, node):
        return _bounded(super()._eval_list(node))

    def _eval_tuple(self, node):
        return _bounded(super()._eval_tuple(node))

    def _eval_dict(self, node):
        return _bounded(super()._eval_dict(node))

    def _eval_comprehension(self, node):
        return _bounded(super()._eval_comprehension(node))

    def _eval_joinedstr(self, node):
        return _bounded(super()._eval_joinedstr(node))

    def _eval_subscript(self, node):
        result = super()._eval_subscript(node)
        # a slice is a copy (payload["notes"][1:] in a comprehension, once per item); an index is not
        return _bounded(result) if isinstance(node.slice, ast.Slice) else result

    def _eval_call(self, node):
        if isinstance(node.func, ast.Attribute):
            method = self._eval(node.func)
            receiver = getattr(method, "__self__", None)
            if isinstance(receiver, str) and node.func.attr not in _STR_QUESTIONS:
                # str methods run in C over the whole string: a caller-sized one is refused first
                _small(receiver, f"{node.func.attr}()")
                args = [self._eval(arg) for arg in node.args]
                return _bounded(method(*args, **dict(self._eval(k) for k in node.keywords)))
        return super()._eval_call(node)

    def _eval(self, node):
        self._steps += 1
        if self._steps > MAX_STEPS:
            raise ExpressionError(f"Expression took more than {MAX_STEPS} steps.")
        if time.thread_time() > self._deadline:
            raise ExpressionError(f"Expression took longer than {TIME_LIMIT} seconds.")
        return super()._eval(node)


@dataclass(frozen=True)
class Expression:
    """A compiled, checked expression: ``evaluate(value, payload)`` runs it in the sandbox."""

    source: str
    tree: ast.AST = field(repr=False, compare=False)
    payload_keys: tuple[str, ...] = ()  # keys read as payload["x"], payload.get("x"), get(payload, "x.y")

    def evaluate(self, value, payload):
        """The expression's result for this value and payload; ExpressionError on any failure."""
        if weight(value) > MAX_INPUT_SIZE:
            raise ExpressionError(
                f"The value is too large for this expression (more than {MAX_INPUT_SIZE} characters or items)."
            )
        evaluator = _Evaluator({"value": value, "payload": payload})
        try:
            result = evaluator.run(self.tree)
        except ExpressionError:
            raise
        except simpleeval.InvalidExpression as exc:
            raise ExpressionError(f"Expression failed: {exc}") from None
        except (ArithmeticError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
            raise ExpressionError(f"Expression failed: {type(exc).__name__}: {exc}") from None
        return _json_result(result)


def _json_result(result, depth: int = 0):
    if depth > 20:
        raise ExpressionError("Expression result is nested too deeply.")
    if isinstance(result, float) and not math.isfinite(result):
        raise ExpressionError("Expression result must be a finite number.")
    if result is None or isinstance(result, str | int | float | bool):
        return _bounded(result, charge=False)
    if isinstance(result, list | tuple):
        return [_json_result(item, depth + 1) for item in _bounded(result, charge=False)]
    if isinstance(result, dict):
        return {str(k): _json_result(v, depth + 1) for k, v in _bounded(result, charge=False).items()}
    raise ExpressionError(f"Expression result must be JSON data, not {type(result).__name__}.")


def compile_expression(source: str) -> Expression:
    """Parse and check an expression once (when the line is saved and when the mapping is built)."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("The expression is empty.")
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(f"The expression is longer than {MAX_SOURCE_LENGTH} characters.")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"Invalid expression: {exc.msg} (column {exc.offset}).") from None
    except (ValueError, MemoryError, RecursionError):
        raise ExpressionError("Invalid expression.") from None
    local_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.comprehension):
            for target in ast.walk(node.target):
                if isinstance(target, ast.Name):
                    local_names.add(target.id)
    payload_keys: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionError(f"{type(node).__name__} is not allowed in an expression.")
        if isinstance(node, ast.Name) and node.id not in (*NAMES, *FUNCTIONS, *local_names):
            raise ExpressionError(
                f"Unknown name {node.id!r}: expressions know only value, payload and {', '.join(sorted(FUNCTIONS))}."
            )
        if isinstance(node, ast.Attribute):
            allowed = set().union(*ALLOWED_ATTRS.values())
            if node.attr not in allowed:
                raise ExpressionError(f"Attribute {node.attr!r} is not allowed; allowed: {', '.join(sorted(allowed))}.")
        if isinstance(node, ast.Call) and not isinstance(node.func, ast.Name | ast.Attribute):
            raise ExpressionError("Only the helper functions and string/dict methods may be called.")
        if isinstance(node, ast.FormattedValue) and (node.format_spec is not None or node.conversion != -1):
            raise ExpressionError("f-strings may not use format specifications or conversions.")
        if isinstance(node, ast.Constant) and weight(node.value) > MAX_SIZE:
            raise ExpressionError(f"A literal is longer than {MAX_SIZE} characters.")
        key = _payload_key(node)
        if key is not None:
            payload_keys.append((node.lineno, node.col_offset, key))
    keys = (key for _, _, key in sorted(payload_keys))
    return Expression(source=source, tree=tree, payload_keys=tuple(dict.fromkeys(keys)))


def _payload_key(node: ast.AST) -> str | None:
    """The key of ``payload["key"]`` or ``payload.get("key")``, if this node is one."""
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == "payload"
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
    ):
        return node.slice.value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "payload"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "get"
        and len(node.args) >= 2
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id == "payload"
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
    ):
        return node.args[1].value.split(".")[0]
    return None
