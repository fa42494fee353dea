"""The privacy registry: each app says what personal data it holds, exports it
and erases it, without members (a foundation app) importing any domain app.

An app registers its part from its own ``privacy`` module, imported by its
AppConfig.ready()::

    register_exporter("forum", forum_export, label=_("Forum posts"),
                      purpose=_("..."), retention=_("..."))
    register_eraser("forum", forum_erase)
    register_resetter("paths", paths_reset)   # "reset my inferred data"

Exporters take the member and return JSON-safe data (bounded queries: one
``values()`` query per model, no per-row queries). Erasers take the member and
must be idempotent: running an erasure twice changes nothing the second time.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class DataKind:
    """One kind of personal data, as listed on "What we hold and why"."""

    name: str
    label: str
    purpose: str
    retention: str
    export: Callable[[Any], Any] | None = None


_EXPORTERS: dict[str, DataKind] = {}
_ERASERS: dict[str, Callable[[Any], None]] = {}
_RESETTERS: dict[str, Callable[[Any], None]] = {}


def register_exporter(
    name: str,
    func: Callable[[Any], Any],
    *,
    label: str,
    purpose: str,
    retention: str,
) -> None:
    """Register what ``name`` holds about a member and how to export it.
    ``label``, ``purpose`` and ``retention`` are lazily translated strings."""
    _EXPORTERS[name] = DataKind(name, label, purpose, retention, func)


def register_eraser(name: str, func: Callable[[Any], None]) -> None:
    _ERASERS[name] = func


def register_resetter(name: str, func: Callable[[Any], None]) -> None:
    """Register a function that forgets what was inferred about a member."""
    _RESETTERS[name] = func


def data_kinds() -> list[DataKind]:
    return [_EXPORTERS[name] for name in sorted(_EXPORTERS)]


def exporters() -> dict[str, Callable[[Any], Any]]:
    return {name: kind.export for name, kind in sorted(_EXPORTERS.items())}


def erasers() -> dict[str, Callable[[Any], None]]:
    return dict(sorted(_ERASERS.items()))


def resetters() -> dict[str, Callable[[Any], None]]:
    return dict(sorted(_RESETTERS.items()))


def rows(queryset: QuerySet, fields: Iterable[str]) -> list[dict]:
    """One query: the given fields of every row, as plain dicts (dates and
    decimals are made JSON-safe by the archive's encoder)."""
    return list(queryset.values(*fields))
