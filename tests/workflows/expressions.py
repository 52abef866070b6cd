"""GitHub Actions expressions (`${{ ... }}` and `if:`), evaluated as the runner does.

Enough of the language for this project's workflows and actions: literals, context paths
(`github.event.issue.labels.*.name`, `steps.office-hours.outputs.action`, `inputs.dry-run`),
`! == != < <= > >= && ||`, parentheses, and the functions contains, startsWith, endsWith,
format, join, toJSON, fromJSON and the status functions. The runner's rules are kept: `&&` and
`||` return an operand, not a boolean; `==` compares strings case-insensitively and coerces
other mixed types to numbers; property names are case-insensitive; a missing property is null.
Anything else raises ExpressionError, so a workflow cannot rely on what this does not model.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>0x[0-9a-fA-F]+|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
    | (?P<string>'(?:[^']|'')*')
    | (?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\].,*])
    | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
    )""",
    re.VERBOSE,
)
INTERPOLATION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)


class ExpressionError(ValueError):
    """An expression this evaluator cannot parse or does not model."""


@dataclass(frozen=True)
class Filtered:
    """The result of an object filter (`.*`): property access maps over its items."""

    items: tuple[Any, ...]


def tokenize(text: str) -> list[tuple[str, str]]:
    """Split an expression into (kind, text) tokens."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ExpressionError(f"cannot read {text[position:]!r} in {text!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent over the tokens, evaluating as it goes (short-circuit included)."""

    def __init__(self, text: str, contexts: Mapping[str, Any], functions: Mapping[str, Any]):
        self.text, self.tokens, self.at = text, tokenize(text), 0
        self.contexts, self.functions = contexts, functions

    def parse(self) -> Any:
        value = self.or_()
        if self.at != len(self.tokens):
            raise ExpressionError(f"unexpected {self.tokens[self.at][1]!r} in {self.text!r}")
        return value

    # -- token helpers ---------------------------------------------------------------------
    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise ExpressionError(f"unexpected end of {self.text!r}")
        token = self.tokens[self.at]
        if expected is not None and token[1] != expected:
            raise ExpressionError(f"expected {expected!r}, got {token[1]!r} in {self.text!r}")
        self.at += 1
        return token

    # -- grammar, lowest precedence first --------------------------------------------------
    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == "||":
            self.take()
            right = self.and_()
            value = value if truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.equality()
        while self.peek() == "&&":
            self.take()
            right = self.equality()
            value = right if truthy(value) else value
        return value

    def equality(self) -> Any:
        value = self.comparison()
        while self.peek() in ("==", "!="):
            op = self.take()[1]
            same = loose_equal(value, self.comparison())
            value = same if op == "==" else not same
        return value

    def comparison(self) -> Any:
        value = self.unary()
        while self.peek() in ("<", "<=", ">", ">="):
            op = self.take()[1]
            left, right = to_number(value), to_number(self.unary())
            value = {"<": left < right, "<=": left <= right, ">": left > right}.get(
                op, left >= right
            )
        return value

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        return self.postfix(self.primary())

    def primary(self) -> Any:
        kind, text = self.take()
        if text == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind == "number":
            return float(int(text, 16)) if text.startswith("0x") else float(text)
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind != "name":
            raise ExpressionError(f"unexpected {text!r} in {self.text!r}")
        literal = {"true": True, "false": False, "null": None}
        if text in literal:
            return literal[text]
        if self.peek() == "(":
            return self.call(text)
        return lookup(self.contexts, text)

    def call(self, name: str) -> Any:
        function = lookup(self.functions, name)
        if function is None:
            raise ExpressionError(f"unknown function {name}() in {self.text!r}")
        self.take("(")
        args: list[Any] = []
        while self.peek() != ")":
            args.append(self.or_())
            if self.peek() == ",":
                self.take()
        self.take(")")
        return function(*args)

    def postfix(self, value: Any) -> Any:
        while self.peek() in (".", "["):
            if self.take()[1] == "[":
                key = self.or_()
                self.take("]")
                value = index(value, key)
            elif self.peek() == "*":
                self.take()
                value = Filtered(tuple(_items(value)))
            else:
                value = index(value, self.take()[1])
        return value


def _items(value: Any) -> list[Any]:
    if isinstance(value, Filtered):
        return list(value.items)
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return []


def lookup(mapping: Mapping[str, Any], name: str) -> Any:
    """A property by name, case-insensitively (as the runner looks contexts up)."""
    if name in mapping:
        return mapping[name]
    folded = name.casefold()
    return next((v for k, v in mapping.items() if k.casefold() == folded), None)


def index(value: Any, key: Any) -> Any:
    """`value.key` or `value[key]`; null when there is no such property."""
    if isinstance(value, Filtered):
        found = [index(item, key) for item in value.items]
        return Filtered(tuple(item for item in found if item is not None))
    if isinstance(value, dict):
        return lookup(value, str(key))
    if isinstance(value, list) and isinstance(key, float) and key.is_integer():
        position = int(key)
        return value[position] if 0 <= position < len(value) else None
    return None


def truthy(value: Any) -> bool:
    """The runner's truthiness: null, false, 0, NaN and '' are false."""
    if isinstance(value, float) and math.isnan(value):
        return False
    return value not in (None, False, 0, "")


def to_number(value: Any) -> float:
    """The runner's number coercion (NaN where it has none)."""
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return 0.0
        try:
            return float(int(text, 16)) if text.lower().startswith("0x") else float(text)
        except ValueError:
            return math.nan
    return math.nan


def loose_equal(left: Any, right: Any) -> bool:
    """`==`: strings case-insensitively; mixed primitive types as numbers; objects by identity."""
    if isinstance(left, Filtered):
        left = list(left.items)
    if isinstance(right, Filtered):
        right = list(right.items)
    if isinstance(left, dict | list) or isinstance(right, dict | list):
        return left is right
    if type(left) is type(right) or (_numeric(left) and _numeric(right)):
        if isinstance(left, str):
            return left.casefold() == right.casefold()
        return left == right
    return to_number(left) == to_number(right)


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def to_string(value: Any) -> str:
    """How a value is written into a string (`${{ }}` inside text, `with:`, `env:`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Filtered):
        return to_string(list(value.items))
    if isinstance(value, dict | list):
        return json.dumps(value, indent=2)
    return str(value)


def _contains(search: Any, item: Any) -> bool:
    if isinstance(search, Filtered | list):
        return any(loose_equal(element, item) for element in _items(search))
    return to_string(item).casefold() in to_string(search).casefold()


def _format(template: str, *args: Any) -> str:
    def replace(match: re.Match[str]) -> str:
        text = match.group(0)
        if text in ("{{", "}}"):
            return text[0]
        return to_string(args[int(match.group(1))])

    return re.sub(r"\{\{|\}\}|\{(\d+)\}", replace, template)


def _from_json(text: Any) -> Any:
    value = json.loads(to_string(text))
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "contains": _contains,
    "startsWith": lambda s, p: to_string(s).casefold().startswith(to_string(p).casefold()),
    "endsWith": lambda s, p: to_string(s).casefold().endswith(to_string(p).casefold()),
    "format": lambda template, *args: _format(to_string(template), *args),
    "join": lambda items, sep=",": to_string(sep).join(to_string(i) for i in _items(items)),
    "toJSON": lambda value: json.dumps(
        list(value.items) if isinstance(value, Filtered) else value, indent=2
    ),
    "fromJSON": _from_json,
}


def evaluate(text: str, contexts: Mapping[str, Any], *, status: str = "success") -> Any:
    """The value of one expression (the text between `${{` and `}}`, or an `if:`)."""
    functions: dict[str, Callable[..., Any]] = {
        **FUNCTIONS,
        "success": lambda: status == "success",
        "failure": lambda: status == "failure",
        "always": lambda: True,
        "cancelled": lambda: False,
    }
    return _Parser(text, contexts, functions).parse()


def interpolate(text: Any, contexts: Mapping[str, Any]) -> Any:
    """A YAML value with every `${{ }}` replaced; a value that is one expression keeps its type."""
    if not isinstance(text, str):
        return text
    whole = INTERPOLATION.fullmatch(text.strip())
    if whole and "}}" not in whole.group(1):  # not `${{ a }}-${{ b }}`, which is text
        return evaluate(whole.group(1), contexts)
    return INTERPOLATION.sub(lambda m: to_string(evaluate(m.group(1), contexts)), text)


def condition(text: Any, contexts: Mapping[str, Any], *, status: str = "success") -> bool:
    """Whether an `if:` holds. Without a status function it means `success() && (...)`."""
    if text is None or text == "":
        return status == "success"
    if isinstance(text, bool):
        return text and status == "success"
    source = str(text).strip()
    whole = INTERPOLATION.fullmatch(source)
    source = whole.group(1) if whole else source
    value = truthy(evaluate(source, contexts, status=status))
    if not re.search(r"\b(success|failure|always|cancelled)\s*\(", source):
        value = value and status == "success"
    return value
