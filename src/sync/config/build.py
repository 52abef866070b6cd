"""The generic builder: a dataclass from a YAML mapping, by its fields' `Annotated` converters."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import MISSING, fields
from typing import TYPE_CHECKING, Any, TypeVar, get_type_hints

from sync.config.yaml_nodes import YamlMap, YamlValue

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

DC = TypeVar("DC", bound="DataclassInstance")


@functools.cache
def _schema(cls: type[DataclassInstance]) -> dict[str, tuple[Callable[[YamlValue], Any], bool]]:
    """Field name -> (its converter from the Annotated metadata, whether it is required)."""
    hints = get_type_hints(cls, include_extras=True)
    required = {f.name: f.default is MISSING and f.default_factory is MISSING for f in fields(cls)}
    return {name: (hints[name].__metadata__[0], required[name]) for name in required}


def build_dataclass(cls: type[DC], v: YamlValue) -> tuple[DC, YamlMap]:
    """Build dataclass `cls` from a mapping; absent or null keys take the dataclass default."""
    schema = _schema(cls)
    m = v.mapping(schema)
    values: dict[str, Any] = {}
    for name, (convert, required) in schema.items():
        found = m.get(name)
        if found is not None or required:
            values[name] = m.need(name, convert)
    return cls(**values), m


def section_of(cls: type[DC]) -> Callable[[YamlValue], DC]:
    return lambda v: build_dataclass(cls, v)[0]
