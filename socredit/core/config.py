"""Versioned configuration documents (配置文件): indicator models and legal policy profiles.

Both the credit-evaluation indicator model (信用评价指标体系) and the legal policy profile (政策参数)
are TOML documents shipped with the package, one file per version, never edited in place: a new
version of the law or of the model is a new file, selected by name or by effective date, so that
evaluating a past date keeps working. Every document starts with the same ``[meta]`` table::

    [meta]
    kind = "indicator-model"          # or "policy-profile"
    version = "reference-2026.1"      # unique within its kind
    title = "…"
    effective_from = 2026-01-01       # chosen by date from this day on
    extends = "national-2026.1"       # optional: this document only overrides that one

A document that ``extends`` another is merged over it key by key (tables merge, arrays and values
replace): a fixed version, copied when the document is loaded. Policy profiles also know two keys
that bind by date instead (``socredit.core.policy_select``)::

    parent = "national"               # the locality whose profile in force on each date fills the rest
    regions = ["410184"]              # the GB/T 2260 regions this locality's rules govern

Errors carry the line of the document that is wrong, so that an authority that edits or uploads a
document is told exactly where to look.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Generic, TypeVar

DOCUMENT_KINDS = ("indicator-model", "policy-profile", "measures-catalogue")


class ConfigError(ValueError):
    """A configuration document that cannot be used; ``line`` is 1-based when known."""

    def __init__(self, message: str, *, line: int | None = None, source: str = "") -> None:
        self.message = message
        self.line = line
        self.source = source
        where = source + (f":{line}" if line else "")
        super().__init__(f"{where}: {message}" if where else message)


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]+\")\s*=")


class Locator:
    """Finds the line of a key in a TOML text, for error messages.

    Paths are tuples of table names, array-of-table indices and keys, e.g.
    ``("indicator", 3, "points")``. Keys inside inline tables resolve to the line of the inline
    table. When a key is not written (a missing weight), the line of its table is returned.
    """

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[Any, ...], int] = {}
        counters: dict[str, int] = {}
        table: tuple[Any, ...] = ()
        in_multiline: str | None = None
        for number, raw in enumerate(text.splitlines(), start=1):
            # Inside a multi-line string nothing is a header or a key.
            if in_multiline is not None:
                if raw.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            for quote in ('"""', "'''"):
                if raw.count(quote) % 2 == 1:
                    in_multiline = quote
            line = raw.split("#", 1)[0] if not raw.lstrip().startswith(("'", '"')) else raw
            header = _HEADER.match(line)
            if header and not _KEY.match(line):
                name = header.group(2).replace('"', "").strip()
                parts: tuple[Any, ...] = tuple(p.strip() for p in name.split("."))
                if header.group(1) == "[[":
                    index = counters.get(name, 0)
                    counters[name] = index + 1
                    self._lines.setdefault(parts, number)  # the array itself: its first table
                    parts = (*parts, index)
                table = parts
                self._lines.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                self._lines.setdefault((*table, key.group(1).strip('"')), number)

    def line_of(self, *path: Any) -> int | None:
        """The line of the longest known prefix of ``path``."""
        for end in range(len(path), 0, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
        return None


@dataclass(frozen=True)
class DocumentMeta:
    """The ``[meta]`` table of a configuration document."""

    kind: str
    version: str
    title: str
    effective_from: dt.date
    description: str = ""
    extends: str | None = None
    parent: str | None = None
    """Policy profiles: the locality (version-name prefix) whose profile in force on a date supplies
    every parameter this document does not state."""
    regions: tuple[str, ...] = ()
    """Policy profiles: the GB/T 2260 codes of the regions (with everything below them) it governs."""


@dataclass(frozen=True)
class Document:
    """A parsed configuration document: its meta, its merged data and where its text came from."""

    meta: DocumentMeta
    data: Mapping[str, Any]
    text: str
    source: str
    locator: Locator = field(repr=False)

    def error(self, message: str, *path: Any) -> ConfigError:
        """A ConfigError pointing at ``path`` in this document."""
        return ConfigError(message, line=self.locator.line_of(*path), source=self.source)


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def parse_document(
    text: str,
    *,
    source: str,
    kind: str,
    resolve: Callable[[str], Document] | None = None,
) -> Document:
    """Parse and check the ``[meta]`` of a document; merge it over the document it extends."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ConfigError(
            f"TOML 语法错误：{exc}", line=int(match.group(1)) if match else None, source=source
        ) from None
    locator = Locator(text)

    def fail(message: str, *path: Any) -> ConfigError:
        return ConfigError(message, line=locator.line_of(*path), source=source)

    meta = data.get("meta")
    if not isinstance(meta, dict):
        raise fail("缺少 [meta] 表（kind、version、title、effective_from）")
    allowed = {"kind", "version", "title", "effective_from", "description", "extends"}
    if kind == "policy-profile":
        allowed |= {"parent", "regions"}
    if kind == "measures-catalogue":
        allowed |= {"title_en"}
    unknown = set(meta) - allowed
    if unknown:
        raise fail(f"[meta] 中有未知的键：{', '.join(sorted(unknown))}", "meta", sorted(unknown)[0])
    if meta.get("kind") != kind:
        raise fail(f"文件类型应为 “{kind}”，实为 “{meta.get('kind')}”", "meta", "kind")
    version = meta.get("version")
    if not isinstance(version, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,59}", version):
        raise fail("version 必须是由字母、数字、点、横线组成的名称", "meta", "version")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fail("缺少 title（标题）", "meta", "title")
    effective = meta.get("effective_from")
    if not isinstance(effective, dt.date) or isinstance(effective, dt.datetime):
        raise fail("effective_from 必须是日期，如 2026-01-01", "meta", "effective_from")
    extends = meta.get("extends")
    if extends is not None:
        if not isinstance(extends, str):
            raise fail("extends 必须是另一版本的名称", "meta", "extends")
        if resolve is None:
            raise fail(f"无法解析所继承的版本 “{extends}”", "meta", "extends")
        try:
            base = resolve(extends)
        except KeyError:
            raise fail(f"所继承的版本 “{extends}” 不存在", "meta", "extends") from None
        body = _merge({k: v for k, v in base.data.items() if k != "meta"}, data)
    else:
        body = data
    parent = meta.get("parent")
    if parent is not None:
        if not isinstance(parent, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", parent):
            raise fail("parent 必须是上级地方的名称（版本名的前缀，如 “national”）", "meta", "parent")
        if extends is not None:
            raise fail("extends（固定版本）与 parent（按日期的上级）不能同时使用", "meta", "parent")
    regions = meta.get("regions", [])
    if not isinstance(regions, list) or not all(
        isinstance(r, str) and re.fullmatch(r"\d{6}", r) for r in regions
    ):
        raise fail('regions 必须是6位行政区划码的列表，如 ["410184"]', "meta", "regions")
    if len(set(regions)) != len(regions):
        raise fail("regions 中有重复的区划码", "meta", "regions")
    parsed_meta = DocumentMeta(
        kind=kind,
        version=version,
        title=title.strip(),
        effective_from=effective,
        description=str(meta.get("description", "")).strip(),
        extends=extends,
        parent=parent,
        regions=tuple(regions),
    )
    return Document(meta=parsed_meta, data=body, text=text, source=source, locator=locator)


T = TypeVar("T")


class Library(Generic[T]):
    """The versions of one kind of document: shipped files plus any added at run time.

    ``build`` turns a parsed Document into the typed object (an IndicatorModel, a PolicyProfile)
    and raises ConfigError with the line on anything wrong. Versions are looked up by name, or by
    date (the newest version in force on that date).
    """

    def __init__(self, kind: str, build: Callable[[Document], T]) -> None:
        if kind not in DOCUMENT_KINDS:
            raise ValueError(f"unknown document kind {kind!r}")
        self.kind = kind
        self._build = build
        self._texts: dict[str, tuple[str, str]] = {}
        self._documents: dict[str, Document] = {}
        self._built: dict[str, T] = {}

    def add_package_files(self, package: str, folder: str) -> None:
        """Register every ``*.toml`` under ``package/folder`` (the shipped versions)."""
        for entry in sorted(resources.files(package).joinpath(folder).iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml"):
                self.add_text(entry.read_text(encoding="utf-8"), source=f"{folder}/{entry.name}")

    def add_text(self, text: str, *, source: str) -> T:
        """Parse, build and register one document; ConfigError if it is wrong or its version is taken."""
        document = parse_document(text, source=source, kind=self.kind, resolve=self.document)
        if document.meta.version in self._texts and self._texts[document.meta.version][0] != text:
            raise document.error(
                f"版本 “{document.meta.version}” 已存在，新版本请使用新的名称", "meta", "version"
            )
        built = self._build(document)
        self._texts[document.meta.version] = (text, source)
        self._documents[document.meta.version] = document
        self._built[document.meta.version] = built
        return built

    def check_text(self, text: str, *, source: str) -> T:
        """Parse and build a document without registering it (for upload forms and tests)."""
        document = parse_document(text, source=source, kind=self.kind, resolve=self.document)
        return self._build(document)

    def document(self, version: str) -> Document:
        """The parsed document of ``version``; KeyError if unknown."""
        return self._documents[version]

    def get(self, version: str) -> T:
        """The built object of ``version``; KeyError if unknown."""
        return self._built[version]

    def versions(self) -> list[DocumentMeta]:
        """All registered versions, oldest effective date first."""
        return sorted((d.meta for d in self._documents.values()), key=lambda m: (m.effective_from, m.version))

    def for_date(self, date: dt.date, *, among: Iterable[str] | None = None) -> T:
        """The newest version in force on ``date`` (optionally among some versions); KeyError if none."""
        allowed = set(among) if among is not None else None
        candidates = [
            m
            for m in self.versions()
            if m.effective_from <= date and (allowed is None or m.version in allowed)
        ]
        if not candidates:
            raise KeyError(f"no {self.kind} in force on {date.isoformat()}")
        return self._built[candidates[-1].version]
