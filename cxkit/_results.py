"""One protocol for every result object cxkit returns (like lifelines' printer).

Every result class inherits :class:`Result` and provides two things:

* ``summary()`` -> a tidy :class:`pandas.DataFrame` (the result's main table), and
* ``headline()`` -> one short line of text (no rows, so no customer ids);

and may have ``notes``: a tuple of plain-language caveats (an attribute, often a dataclass field).

From those, :class:`Result` derives the rest, once for all classes, through :class:`Printer`:

* ``repr(result)``: ``<ClassName: headline>`` on one line;
* ``str(result)``: title, headline, the table and the notes as plain text;
* ``_repr_html_()``: the same as escaped HTML (notebooks);
* ``to_frame()``: the summary table.

Studies (one per research question) inherit :class:`Study`: they add ``describe(lang)``
(the generated "what the data says" text), ``tables`` (name -> DataFrame) and ``figures``
(name -> callable drawing on an optional ``ax`` and returning the Axes). A study prints as its
description followed by the list of its tables.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # pandas is imported when a result is printed, not when cxkit is
    import pandas as pd

__all__ = ["Result", "Study", "Printer", "p_text"]


def p_text(p: float, lang: str = "en") -> str:
    """``p = 0.034`` or ``p < 0.001`` for headlines: the one p-value rule (:func:`cxkit.report.i18n.pvalue`).

    Never ``p = 0`` nor e-notation, however small the p-value.
    """
    from .report.i18n import pvalue  # lazily: the formatter lives in report

    return f"p {pvalue(p, lang)}"


class Printer:
    """Render a :class:`Result` as text or HTML: the one place that formats results."""

    max_rows = 40

    def __init__(self, result: Result):
        self.result = result

    def _parts(self, lang: str = "en") -> tuple[str, list[str], pd.DataFrame, list[str]]:
        """Title, text lines, table and notes of the result (fixed messages in ``lang``)."""
        import pandas as pd

        r = self.result
        if lang != "en":
            from .report.i18n import message  # lazily: translations live in report

            if isinstance(r, Study):
                table = r.summary()
                return (message(r.title or type(r).__name__, lang), r.describe(lang).strip().splitlines(),
                        table, [])
            return (message(r.title or type(r).__name__, lang), [message(r.headline(), lang)], r.summary(),
                    [message(n, lang) for n in r.notes])
        table = r.summary()
        if not isinstance(table, pd.DataFrame):
            table = pd.DataFrame(table)
        if isinstance(r, Study):
            # The description already ends with the notes.
            return r.title or type(r).__name__, r.describe().strip().splitlines(), table, []
        return r.title or type(r).__name__, [r.headline()], table, [str(n) for n in r.notes]

    def repr_line(self) -> str:
        head = " ".join(self.result.headline().split())
        return f"<{type(self.result).__name__}: {head[:200]}>"

    def to_text(self) -> str:
        title, text, table, notes = self._parts()
        lines = [title, *[t for t in text if t]]
        if len(table.columns):
            lines += ["", table.head(self.max_rows).to_string(index=False)]
            if len(table) > self.max_rows:
                lines.append(f"... {len(table) - self.max_rows} more rows (see summary())")
        lines += [f"Note: {n}" for n in notes]
        return "\n".join(lines)

    def to_html(self, lang: str = "en") -> str:
        title, text, table, notes = self._parts(lang)
        # Escaped first, then the description's own markdown (**bold**, "- " bullets) becomes HTML,
        # so a study reads as prose, not as literal asterisks in a monospace block.
        # A spec key between backticks reads as code (one rule with the Markdown: cx.i18n.code_html).
        from .report.i18n import code_html  # lazily: report imports this module

        text = [code_html(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(t))) for t in text if t]
        head = f"<strong>{html.escape(title)}</strong>"
        if len(text) < 2:  # one line sits next to the title
            out = [f"<p>{head}: {text[0] if text else ''}</p>"]
        else:
            items = "".join(f"<li>{t[2:] if t.startswith('- ') else t}</li>" for t in text)
            out = [f"<p>{head}</p>\n<ul>{items}</ul>"]
        if len(table.columns):
            from .report.tables import show  # lazily: the one table formatter lives in report

            out.append(show(table.head(self.max_rows), lang, technical=True).to_html())
        out += [f"<p><em>{code_html(html.escape(n))}</em></p>" for n in notes]
        return "\n".join(out)


class Result:
    """Base class of every cxkit result (see the module docstring for the protocol)."""

    #: Plain-language caveats printed under the table (subclasses set it, usually as a dataclass field).
    notes: tuple[str, ...] = ()
    #: Title of the printed result (the class name when empty).
    title: ClassVar[str] = ""

    def summary(self) -> pd.DataFrame:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def headline(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:
        """The summary table (the same as :meth:`summary`)."""
        return self.summary()

    def __repr__(self) -> str:
        return Printer(self).repr_line()

    def __str__(self) -> str:
        return Printer(self).to_text()

    def _repr_html_(self) -> str:
        return Printer(self).to_html()


class Study(Result):
    """A research question answered on one dataset: text, tables and figures.

    Subclasses implement ``describe(lang)``, ``tables`` (name -> DataFrame) and ``figures``
    (name -> callable ``f(ax=None)`` drawing on ``ax``, or a new figure, and returning the Axes).
    ``summary()`` lists the tables; the headline is the description's first line.
    """

    @property
    def tables(self) -> Mapping[str, pd.DataFrame]:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    @property
    def figures(self) -> Mapping[str, Callable[..., Any]]:
        return {}

    def describe(self, lang: str = "en") -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    @property
    def level(self) -> float:
        """Confidence level of every interval of the study."""
        return float(self.params["level"])  # type: ignore[attr-defined]

    def headline(self) -> str:
        text = self.describe().strip()
        return text.splitlines()[0].lstrip("- ") if text else ""

    def summary(self) -> pd.DataFrame:
        """One row per table: ``table, rows, columns``."""
        import pandas as pd

        return pd.DataFrame([{"table": k, "rows": len(t), "columns": ", ".join(map(str, t.columns))}
                             for k, t in self.tables.items() if t is not None],
                            columns=["table", "rows", "columns"])
