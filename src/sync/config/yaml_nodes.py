"""YAML nodes: compose them safely, then walk them with the file, line and key path at hand.

Composing refuses nesting too deep for PyYAML's recursive composer and alias bombs; walking a
mapping applies ``<<`` merges and refuses duplicate and unknown keys.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sync.config.errors import ConfigError

T = TypeVar("T")
D = TypeVar("D")

MAX_NODES = 10_000  # a real config has a few hundred values; more means an alias bomb
MAX_DEPTH = 64  # PyYAML composes recursively: deeper nesting would exhaust the stack

YAML_TAG = "tag:yaml.org,2002:"
_PLAIN_KINDS = ("str", "int", "float", "bool", "null", "timestamp", "merge", "value")
TEXT_TAGS = {YAML_TAG + t for t in ("str", "int", "float", "merge", "value")}


def compose(text: str, file: str) -> Node | None:
    """Compose YAML into nodes, turning every YAML problem into a ConfigError."""
    try:
        _check_depth(text, file)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        line = _mark_line(err.problem_mark or err.context_mark)
        problem = ": ".join(" ".join(p.split()) for p in (err.context, err.problem) if p)
        raise ConfigError(file, line, "", f"invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as err:
        line = text.count("\n", 0, err.position) + 1
        message = f"character #x{err.character:04x} is not allowed, expected printable text"
        raise ConfigError(file, line, "", message) from None
    except yaml.YAMLError as err:
        raise ConfigError(file, None, "", f"invalid YAML: {err}") from None
    if root is not None:
        _check_size(root, file)
    return root


def _check_depth(text: str, file: str) -> None:
    """Refuse nesting deep enough to exhaust the stack of PyYAML's recursive composer."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                message = f"nested more than {MAX_DEPTH} levels deep, expected a flat config"
                raise ConfigError(file, _mark_line(event.start_mark), "", message)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_size(root: Node, file: str) -> None:
    """Count nodes with aliases expanded; fail fast on alias bombs and recursive anchors."""
    stack, count = [root], 0
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_NODES:
            message = f"expands to more than {MAX_NODES} values (aliases nested too deep?)"
            raise ConfigError(file, _line(node), "", message + ", expected a small config")
        if isinstance(node, MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)


def _mark_line(mark: Any) -> int | None:
    return None if mark is None else int(mark.line) + 1


def _line(node: Node) -> int | None:
    return _mark_line(node.start_mark)


def _join(path: str, key: str) -> str:
    segment = key if key.isprintable() and key.strip() == key and key else repr(key)
    return f"{path}.{segment}" if path else segment


def _describe(node: Node) -> str:
    """How a wrong value reads in an error: 'a list', 'the number 3', "'abc'"."""
    if node.tag.removeprefix(YAML_TAG) not in ("map", "seq", *_PLAIN_KINDS):
        return f"a value tagged {node.tag!r}"
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    raw = str(node.value)
    shown = repr(raw if len(raw) <= 40 else raw[:37] + "...")
    kinds = {"null": "no value", "bool": f"the boolean {shown}", "int": f"the number {shown}"}
    kinds.update(float=f"the number {shown}", timestamp=f"the date {shown}")
    return kinds.get(node.tag.removeprefix(YAML_TAG), shown)


@dataclass(frozen=True, slots=True)
class YamlValue:
    """A YAML node with the file and the key path it came from."""

    file: str
    node: Node
    path: str

    def fail(self, message: str) -> NoReturn:
        raise ConfigError(self.file, _line(self.node), self.path, message)

    def expected(self, what: str) -> NoReturn:
        self.fail(f"got {_describe(self.node)}, expected {what}")

    def scalar(self, tags: Collection[str], what: str) -> str:
        if not isinstance(self.node, ScalarNode) or self.node.tag not in tags:
            plain = isinstance(self.node, ScalarNode) and self.node.tag != YAML_TAG + "null"
            quotable = plain and YAML_TAG + "str" in tags
            self.expected(what + (" (put it in quotes)" if quotable else ""))
        return str(self.node.value)

    def items(self) -> list[YamlValue]:
        if not isinstance(self.node, SequenceNode) or self.node.tag != YAML_TAG + "seq":
            self.expected("a list")
        return [YamlValue(self.file, n, f"{self.path}[{i}]") for i, n in enumerate(self.node.value)]

    def mapping(self, allowed: Collection[str] | None) -> YamlMap:
        if not isinstance(self.node, MappingNode) or self.node.tag != YAML_TAG + "map":
            self.expected("a mapping of keys to values")
        entries = self._entries()
        keys = {
            name: YamlValue(self.file, k, _join(self.path, name))
            for name, (k, _) in entries.items()
        }
        for name, key in keys.items():
            if allowed is not None and name not in allowed:
                _unknown_key(key, name, allowed)
        values = {
            name: YamlValue(self.file, v, keys[name].path) for name, (_, v) in entries.items()
        }
        return YamlMap(self, values, keys)

    def _entries(self) -> dict[str, tuple[Node, Node]]:
        """Key -> (key node, value node), with `<<` merges applied and duplicates refused."""
        explicit: dict[str, tuple[Node, Node]] = {}
        merged: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in self.node.value:
            if key_node.tag == YAML_TAG + "merge":
                for source in self._merge_sources(value_node):
                    merged = source._entries() | merged  # earlier sources win
                continue
            key = YamlValue(self.file, key_node, self.path)
            name = key.scalar(TEXT_TAGS | {YAML_TAG + "bool", YAML_TAG + "null"}, "a plain key")
            if name in explicit:
                message = f"duplicate key {name!r}, expected each key once in a mapping"
                YamlValue(self.file, key_node, _join(self.path, name)).fail(message)
            explicit[name] = (key_node, value_node)
        return merged | explicit

    def _merge_sources(self, node: Node) -> list[YamlValue]:
        source = YamlValue(self.file, node, self.path)
        sources = source.items() if isinstance(node, SequenceNode) else [source]
        for each in sources:
            if not isinstance(each.node, MappingNode):
                each.expected("a mapping to merge with <<")
        return sources


def _unknown_key(key: YamlValue, name: str, allowed: Collection[str]) -> NoReturn:
    close = difflib.get_close_matches(name, list(allowed), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    key.fail(f"unknown key {name!r}{hint}, expected one of: {', '.join(sorted(allowed))}")


@dataclass(frozen=True, slots=True)
class YamlMap:
    """A checked mapping: look keys up, convert their values, or report them missing."""

    value: YamlValue
    entries: dict[str, YamlValue]
    keys: dict[str, YamlValue]

    def get(self, key: str) -> YamlValue | None:
        """The value at `key`, or None when it is absent or null."""
        found = self.entries.get(key)
        return None if found is None or found.node.tag == YAML_TAG + "null" else found

    def need(self, key: str, convert: Callable[[YamlValue], T]) -> T:
        found = self.get(key)
        if found is None:
            path = _join(self.value.path, key)
            raise ConfigError(self.value.file, _line(self.value.node), path, "missing required key")
        return convert(found)

    def expected_one_of(self, keys: tuple[str, str]) -> NoReturn:
        """Fail on a mapping that must hold exactly one of two keys."""
        both = all(self.get(k) is not None for k in keys)
        where = self.keys[keys[1]] if both else self.value
        where.fail(f"expected exactly one of {keys[0]!r} and {keys[1]!r}")

    def opt(self, key: str, convert: Callable[[YamlValue], T], default: D) -> T | D:
        found = self.get(key)
        return default if found is None else convert(found)
