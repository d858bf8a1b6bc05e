"""The event catalog schema: loading, checking, and the type expressions every backend shares.

`events.json` holds `kinds` (how a callback is recognised) and `models` (what its decrypted
resource decodes into); `models/README.md` describes both.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional

SCALARS = ("string", "int", "bool")


@dataclass(frozen=True)
class Type:
    """A field type: a scalar, a list of a type, or a model by name."""

    scalar: Optional[str] = None
    item: Optional["Type"] = None
    model: Optional[str] = None

    @staticmethod
    def parse(text: str) -> "Type":
        m = re.fullmatch(r"list<(.+)>", text)
        if m:
            return Type(item=Type.parse(m.group(1)))
        if text in SCALARS:
            return Type(scalar=text)
        return Type(model=text)

    @property
    def is_list(self) -> bool:
        return self.item is not None


@dataclass(frozen=True)
class Field:
    name: str
    type: Type
    required: bool
    doc: str


@dataclass(frozen=True)
class Model:
    name: str
    doc: str
    fields: List[Field]


@dataclass(frozen=True)
class Kind:
    kind: str
    title: str
    doc: str
    source: str
    event_types: List[str]
    original_types: List[str]
    requires_fields: List[str]
    model: str


@dataclass(frozen=True)
class Catalog:
    kinds: List[Kind]
    models: List[Model]

    def model(self, name: str) -> Model:
        return next(m for m in self.models if m.name == name)


def load(path: Path) -> Catalog:
    """Reads and checks `events.json`; raises ValueError on anything a generator cannot use."""
    data = json.loads(path.read_text(encoding="utf-8"))
    models = [
        Model(m["name"], m["doc"], [
            Field(f["name"], Type.parse(f["type"]), bool(f["required"]), f.get("doc", ""))
            for f in m["fields"]
        ])
        for m in data["models"]
    ]
    kinds = [
        Kind(k["kind"], k["title"], k["doc"], k["source"], list(k["event_types"]),
             list(k["original_types"]), list(k["requires_fields"]), k["model"])
        for k in data["kinds"]
    ]
    catalog = Catalog(kinds, models)
    names = {m.name for m in models}
    if len(names) != len(models):
        raise ValueError("model names must be unique")
    if len({k.kind for k in kinds}) != len(kinds) or "unknown" in {k.kind for k in kinds}:
        raise ValueError("kind names must be unique and not 'unknown'")

    def check(t: Type, where: str) -> None:
        if t.item is not None:
            check(t.item, where)
        elif t.model is not None and t.model not in names:
            raise ValueError(f"{where}: unknown type {t.model}")

    for m in models:
        if len({f.name for f in m.fields}) != len(m.fields):
            raise ValueError(f"{m.name}: duplicate field")
        for f in m.fields:
            check(f.type, f"{m.name}.{f.name}")
    if len({k.model for k in kinds}) != len(kinds):
        raise ValueError("each kind needs a model of its own (a model's type names its kind)")
    for k in kinds:
        if k.model not in names:
            raise ValueError(f"kind {k.kind}: unknown model {k.model}")
        fields = {f.name: f for f in catalog.model(k.model).fields}
        for r in k.requires_fields:
            if r not in fields or not fields[r].required:
                raise ValueError(f"kind {k.kind}: {r} must be a required field of {k.model}")
    return catalog


def snake_to_pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def snake_to_camel(name: str) -> str:
    pascal = snake_to_pascal(name)
    return pascal[:1].lower() + pascal[1:]


def wrap(text: str, width: int, prefix: str) -> List[str]:
    """Wraps `text` into comment lines of at most `width` characters, each starting with
    `prefix`."""
    words = text.split()
    lines: List[str] = []
    line = prefix.rstrip()
    for w in words:
        candidate = (line + " " + w) if line != prefix.rstrip() else (prefix + w)
        if len(candidate) > width and line != prefix.rstrip():
            lines.append(line)
            line = prefix + w
        else:
            line = candidate
    if line != prefix.rstrip():
        lines.append(line)
    return lines or [prefix.rstrip()]


def ordered_models(catalog: Catalog) -> List[Model]:
    """Models in file order (stable output)."""
    return list(catalog.models)


def kinds_by_model(catalog: Catalog) -> Dict[str, List[str]]:
    out: Dict[str, List[str]] = {}
    for k in catalog.kinds:
        out.setdefault(k.model, []).append(k.kind)
    return out


def join(items: List[str], last: str = "and") -> str:
    """`a`, `a and b`, `a, b and c` (`last` the final conjunction)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def use_phrases(catalog: Catalog, ref: Callable[[Model, Field], str]) -> Dict[str, List[str]]:
    """Model name -> where it appears, as phrases: "the type of X" and/or "the item type of Y",
    each place written by `ref` (a field in the backend's own link syntax)."""
    direct: Dict[str, List[str]] = {}
    items: Dict[str, List[str]] = {}
    for m in catalog.models:
        for f in m.fields:
            t, listed = f.type, False
            while t.item is not None:
                t, listed = t.item, True
            if t.model is not None:
                (items if listed else direct).setdefault(t.model, []).append(ref(m, f))
    phrases: Dict[str, List[str]] = {}
    for name in {**direct, **items}:
        parts = []
        if name in direct:
            parts.append("the type of " + join(direct[name]))
        if name in items:
            parts.append("the item type of " + join(items[name]))
        phrases[name] = parts
    return phrases
