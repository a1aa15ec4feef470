"""The log a dataset load keeps: problems found (errors, warnings), facts noted, per-table counts.

Loading collects every problem it can instead of stopping at the first, so an
analyst fixing an export sees all of them at once. :func:`cxkit.load_dataset`
raises when the log holds errors; :func:`cxkit.validate_dataset` shows it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from ..errors import CxkitError, DataError, SpecError

__all__ = ["Issue", "QualityLog", "LEVELS", "scrub"]

LEVELS = ("error", "warning", "note")


def scrub(text: str, secrets: Collection[str]) -> str:
    """``text`` with every quoted personal value (``'a@b.nl'``, a customer id) replaced by ``'…'``.

    Messages quote offending values so analysts can fix their files; a shared report must
    not show them. Duplicate-key messages join an id with other key parts
    (``'C123 / ces / 2025-01-01'``): a part that is secret hides the whole token.
    """
    if not secrets:
        return text

    def hides(token: str) -> bool:
        return token.strip() in secrets or any(p in secrets for p in re.split(r"\s*[/,;|]\s*", token))

    return re.sub(r"'([^'\n]{1,200})'", lambda m: "'…'" if hides(m.group(1)) else m.group(0), text)


@dataclass(frozen=True)
class Issue:
    """One finding: ``level`` error/warning/note, ``check`` (e.g. ``out_of_range``), where and how many."""

    level: str
    table: str
    check: str
    message: str
    column: str | None = None
    count: int = 0
    error_class: type[CxkitError] = DataError


class IssueLevels:
    """``errors`` and ``warnings`` of anything holding ``issues`` (the log, the report)."""

    issues: tuple[Issue, ...] | list[Issue]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]


@dataclass
class QualityLog(IssueLevels):
    """Issues plus per-table statistics (``stats[table][name]``) gathered while loading."""

    issues: list[Issue] = field(default_factory=list)
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Personal values seen in the raw tables (ids, declared and detected personal columns), for :func:`scrub`.
    secrets: set[str] = field(default_factory=set, repr=False)

    def add(self, level: str, table: str, check: str, message: str, column: str | None = None,
            count: int = 0, error_class: type[CxkitError] = DataError) -> None:
        self.issues.append(Issue(level, table, check, message, column, int(count), error_class))

    def error(self, table: str, check: str, message: str, column: str | None = None, count: int = 0) -> None:
        self.add("error", table, check, message, column, count)

    def warn(self, table: str, check: str, message: str, column: str | None = None, count: int = 0) -> None:
        self.add("warning", table, check, message, column, count)

    def note(self, table: str, message: str) -> None:
        self.add("note", table, "note", message)

    def failed(self, table: str, exc: CxkitError) -> None:
        """A problem that stopped a table from loading at all (missing file or column...)."""
        self.add("error", table, "unreadable", str(exc), error_class=type(exc))

    def stat(self, table: str, name: str, value: Any) -> None:
        self.stats.setdefault(table, {})[name] = value


    def raise_errors(self, source: str, *, redact: bool = True) -> None:
        """Raise one :class:`CxkitError` listing every error (a SpecError if the first one is).

        With ``redact`` (the default) quoted personal values are masked (:func:`scrub`): the
        error lands in notebooks, HTML reports, manifests and logs. ``cx.validate_dataset(spec).text()``
        shows the values for fixing the file.
        """
        errs = self.errors
        if not errs:
            return
        cls = errs[0].error_class if issubclass(errs[0].error_class, SpecError | DataError) else DataError
        secrets = self.secrets if redact else set()
        if len(errs) == 1:
            raise cls(scrub(errs[0].message, secrets))
        body = "\n".join(f"- [{e.table}] {scrub(e.message, secrets)}" for e in errs)
        raise cls(f"{source}: {len(errs)} problems found; all of them:\n{body}")
