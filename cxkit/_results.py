"""One protocol for every result object cxkit returns (like lifelines' printer).

Every result class inherits :class:`Result` and provides two things:

* ``summary()`` -> a tidy :class:`pandas.DataFrame` (the result's main table), and
* ``headline()`` -> one short line of text (no rows, so no customer ids).

From those, :class:`Result` derives the rest, once for all classes:

* ``repr(result)``: ``<ClassName: headline>`` on one line;
* ``str(result)``: title, headline, the table and the notes as plain text;
* ``_repr_html_()``: the same as escaped HTML (notebooks);
* ``to_frame()``: the summary table.

Studies (one per research question) inherit :class:`Study`: they add ``describe(lang)``
(the generated "what the data says" text), ``tables`` and ``figures``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

__all__ = ["Result", "Study", "Printer"]


class Printer:
    """Render a :class:`Result` as text or HTML: the one place that formats results."""

    max_rows = 40

    def __init__(self, result: Result):
        self.result = result

    def _parts(self) -> tuple[str, str, pd.DataFrame | None, list[str]]:
        r = self.result
        table = r.summary()
        if table is not None and not isinstance(table, pd.DataFrame):
            table = pd.DataFrame(table)
        notes = r.notes() if callable(r.notes) else r.notes  # a method, or an attribute (dataclass field)
        return type(r).__name__, r.headline(), table, list(notes)

    def to_text(self) -> str:
        title, head, table, notes = self._parts()
        lines = [title, head] if head else [title]
        if table is not None and len(table.columns):
            lines += ["", table.head(self.max_rows).to_string(index=False)]
        lines += [f"Note: {n}" for n in notes]
        return "\n".join(lines)

    def to_html(self) -> str:
        title, head, table, notes = self._parts()
        out = [f"<p><strong>{html.escape(title)}</strong>: {html.escape(head)}</p>"]
        if table is not None and len(table.columns):
            out.append(table.head(self.max_rows).to_html(index=False, escape=True, na_rep="–", border=0))
        out += [f"<p><em>{html.escape(n)}</em></p>" for n in notes]
        return "\n".join(out)


class Result:
    """Base class of every cxkit result (see the module docstring for the protocol)."""

    def summary(self) -> pd.DataFrame:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def headline(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def notes(self) -> list[str]:
        """Plain-language caveats worth printing under the table (empty by default)."""
        return []

    def to_frame(self) -> pd.DataFrame:
        return self.summary()

    def __repr__(self) -> str:
        head = " ".join(self.headline().split())
        return f"<{type(self).__name__}: {head[:200]}>"

    def __str__(self) -> str:
        return Printer(self).to_text()

    def _repr_html_(self) -> str:
        return Printer(self).to_html()


class Study(Result):
    """A research question answered on one dataset: text, tables and figures.

    Subclasses implement ``describe(lang)`` and fill ``tables`` (name -> DataFrame) and
    ``figures`` (name -> callable drawing on an optional ``ax`` and returning the Axes).
    """

    tables: Mapping[str, pd.DataFrame]
    figures: Mapping[str, Callable[..., Any]]

    def describe(self, lang: str = "en") -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def headline(self) -> str:
        text = self.describe()
        return text.strip().splitlines()[0] if text.strip() else ""

    def _repr_html_(self) -> str:
        # A study's HTML is its description; the tables are shown where the notebook asks for them.
        return "<pre>" + html.escape(self.describe()) + "</pre>"


class StudyText:
    """Interim mixin of the two older study classes (to be replaced by :class:`Study`)."""

    @property
    def level(self) -> float:
        return float(self.params["level"])

    def summary(self) -> str:
        return self.describe()

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.describe()) + "</pre>"

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.summary().splitlines()[0][:200]}>"
