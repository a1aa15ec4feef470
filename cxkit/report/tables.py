"""One table formatter for everything a reader sees: notebooks, result reprs and reports.

:func:`show` turns a computed table into a pandas ``Styler`` with display headers
in the report language, no index column, a precision chosen per column (shares
1 dp, AUC / correlations / odds ratios 2 dp, counts with thousands separators,
money with its currency, p-values as ``< 0.001``), never scientific notation,
words or marks instead of ``True``/``False``/``NaN``, significance shown in the
cell (arrow and colour, explained under the table) and technical columns
(method, SE, effective n, notes...) left out unless ``technical=True``.

Written on pandas' Styler rather than great-tables: the Styler ships with pandas,
renders in JupyterLab and nbconvert alike, and needs no new dependency.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..stats.suppression import SUPPRESSION_COLUMNS
from . import i18n

__all__ = ["show", "to_html", "TECHNICAL", "DATA_COLUMNS", "FORMATS_ATTR", "column_kind", "format_value"]

#: Columns an analyst needs but a manager does not: hidden unless ``technical=True``.
TECHNICAL = frozenset({"method", "se", "n_eff", "note", "kind", "suppressed", "statistic", "scale", "unit",
                       "mean_ci_low", "mean_ci_high", "sd", "direction", "z", "df", "coef", "ci_low_coef",
                       "ci_high_coef", "level"}) | frozenset(SUPPRESSION_COLUMNS)  # the reason shows as a footnote
#: Analyst details of two-group comparisons and likelihood-ratio tests (reports 01-03): in the CSV/Excel export,
#: not in the reader's table (the n, the difference, its interval and p are).
TECHNICAL = TECHNICAL | frozenset({"n_eff_a", "n_eff_b", "row_n_eff", "llf_base", "llf_full", "lr_stat"})

#: Text columns that quote the data itself (column names, files): never translated, marked ``cx-data``.
DATA_COLUMNS = frozenset({"source", "columns", "controls", "predictors", "file", "path"})

#: Text columns whose cells name a data column (``dimension`` of response rates): shown as words
#: (:func:`cxkit.report.i18n.column_words`), ``tenure_band`` as "tenure".
_NAMES_COLUMNS = frozenset({"dimension"})

_P = re.compile(r"^(p|p_value|p_adj|p_holm|pvalue|p_trend|p_.*)$")
_TWO = re.compile(r"(^|_)(auc|rho|tau|r|r2|odds_ratio|hazard_ratio|or|hr|corr|correlation|importance_share|beta|importance)"
                  r"($|_)|odds|hazard|auc|rho|tau")
_PCT = re.compile(r"(^|_)(pct|share|rate|csat|percent|top_box_pct)($|_)|%")
_MONEY = re.compile(r"(^|_)(revenue|money|amount|value_at_risk|at_risk|spend|arr|mrr|clv)($|_)")
#: Shares kept as fractions (0.98) by the code that computes them: shown as a percentage with 1 dp.
_FRACTION = re.compile(r"^(retention_month|response_rate)$")
#: Probabilities named ``p_...`` that are not p-values: the chance to rank first / last (drivers, league tables).
_CHANCE = re.compile(r"^(p_top|p_bottom)$")
#: Sums of (partial) months or customers: whole numbers.
_WHOLE = re.compile(r"^(customer_months)$")
#: ``DataFrame.attrs`` key a study sets to name its columns' formats where the name alone cannot tell
#: (a ``share`` that is a fraction, a ``difference`` in money): ``{"share": "fraction"}``.
FORMATS_ATTR = "cxkit_formats"
KINDS = ("p", "two", "pct", "fraction", "money", "count", "whole", "bool", "number", "text")
_COUNT = re.compile(r"^(n|n_.*|.*_n|count|promoters|passives|detractors|churned|joined|at_start|at_end|events|"
                    r"customers|answers|rows|top_box|easy)$")


def column_kind(name: str, series: pd.Series) -> str:
    """How a column is formatted: ``p``, ``two``, ``pct`` (already in %), ``fraction`` (0-1, shown in %),
    ``money``, ``count``, ``whole``, ``bool``, ``number`` or ``text``."""
    key = str(name).lower()
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    numeric = pd.api.types.is_numeric_dtype(series)
    if not numeric:
        vals = series.dropna()
        if len(vals) and vals.map(lambda v: isinstance(v, bool | np.bool_)).all():
            return "bool"
        return "text"
    if _CHANCE.match(key):  # before the p-value pattern `p_.*`, which would show 0.0004 as "< 0.001"
        return "fraction"
    if _P.match(key):
        return "p"
    if _FRACTION.match(key):
        return "fraction"
    if _WHOLE.match(key):
        return "whole"
    if re.match(r"(pct|share|percent)_", key):  # pct_at_risk is a share of the money, not money
        return "pct"
    if _MONEY.search(key):
        return "money"
    if _TWO.search(key):
        return "two"
    if _COUNT.match(key) or pd.api.types.is_integer_dtype(series):
        return "count"
    if _PCT.search(key):
        return "pct"
    return "number"


def _missing(v: Any) -> bool:
    try:
        return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float | np.floating) and math.isnan(v))
    except TypeError:
        return False


DASH = "–"


def format_value(v: Any, kind: str, lang: str = "en", currency: str = "€") -> str:
    """One cell as plain text (escaped later, by the Styler). Missing values are a dash."""
    s = _format_value(v, kind, lang, currency)
    # a small negative rounded to zero reads as a sign without a value: "-0.0" is shown as "0.0"
    return s.replace("-", "", 1) if re.fullmatch(r"-0([.,]0+)?%?", s) else s


def _format_value(v: Any, kind: str, lang: str, currency: str) -> str:
    if _missing(v):
        return DASH
    if kind == "bool":
        return i18n.text("yes" if bool(v) else "no", lang)
    if kind == "text":
        if isinstance(v, list | tuple | set):
            v = ", ".join(str(x) for x in v)
        elif isinstance(v, Mapping):
            v = ", ".join(f"{k}: {x}" for k, x in v.items())
        elif isinstance(v, float | np.floating):
            v = i18n.num(float(v), ",.1f", lang)
        elif isinstance(v, bool | np.bool_):
            v = i18n.text("yes" if v else "no", lang)
        elif isinstance(v, pd.Timestamp) and v == v.normalize():  # a date, not "2025-10-08 00:00:00"
            v = v.date().isoformat()
        return str(v)
    x = float(v)
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if kind == "p":
        # as i18n.pvalue: three decimals below 0.1, two above (a Dutch "1,000" reads as a thousand)
        return f"< {i18n.num(0.001, '.3f', lang)}" if x < 0.001 else i18n.num(x, ".3f" if x < 0.1 else ".2f", lang)
    if kind == "two":
        return i18n.num(x, ",.2f", lang)
    if kind == "money":  # the sign before the currency: "-€ 155", not "€ -155"
        return f"{'-' if round(x) < 0 else ''}{currency} {i18n.num(abs(x), ',.0f', lang)}"
    if kind == "fraction":
        return f"{i18n.num(100 * x, ',.1f', lang)}%"
    if kind == "whole":
        return i18n.num(x, ",.0f", lang)
    if kind == "count":
        return i18n.num(x, ",.0f", lang) if float(x).is_integer() else i18n.num(x, ",.1f", lang)
    return i18n.num(x, ",.1f", lang)


def _sup(k: int) -> str:
    """Footnote mark as superscript digits (plain text, so cells stay escapable)."""
    return str(k).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _sig_column(table: pd.DataFrame) -> str | None:
    for c in ("diff", "difference", "change", "coef", "odds_ratio"):
        if c in table.columns and pd.api.types.is_numeric_dtype(table[c]):
            return c
    return None


class _Shown:
    """A cxkit result displayed in a language (what :func:`show` returns for a result)."""

    def __init__(self, result: Any, lang: str):
        self.result, self.lang = result, lang

    def _repr_html_(self) -> str:
        from .._results import Printer

        return Printer(self.result).to_html(self.lang)

    def to_html(self) -> str:
        return self._repr_html_()


def show(table: pd.DataFrame, lang: str = "en", *, caption: str | None = None, technical: bool = False,
         labels: Mapping[str, str] | None = None, currency: str = "€", hide: Iterable[str] = (),
         max_rows: int | None = None) -> Any:
    """A reader's view of ``table``: a pandas ``Styler`` (renders as HTML in notebooks and reports).

    Parameters
    ----------
    table : DataFrame or cxkit result
        A computed cxkit table (English column names). A result (a fit, a data-quality
        report...) is shown as its title, headline, table and notes in ``lang``.
    lang : {"en", "nl"}
        Language of headers, words and number format.
    caption : str, optional
        Title shown above the table (escaped).
    technical : bool
        Keep technical columns (method, SE, effective n, note, ...) for the appendix
        or an analyst's view; by default they are left out and non-empty notes
        become numbered footnotes.
    labels : mapping, optional
        Display headers for columns (override the i18n headers).
    currency : str
        Prefix of money columns (``revenue``, ``value_at_risk``...).
    hide : iterable of str
        Further columns to leave out.

    Returns
    -------
    pandas.io.formats.style.Styler
        With escaped data strings, no index and a footnote legend when needed.
    """
    i18n.check_lang(lang)
    if hasattr(table, "headline") and hasattr(table, "summary"):
        return _Shown(table, lang)
    if not isinstance(table, pd.DataFrame):
        table = pd.DataFrame(table)
    data = table.reset_index(drop=True)  # the index is never shown; named indexes are columns first
    if max_rows is not None:
        data = data.head(max_rows)
    footnotes: list[str] = []
    notes = data["note"] if ("note" in data.columns and not technical) else None
    sig = data["significant"] if "significant" in data.columns else None
    sig_col = _sig_column(data) if sig is not None else None
    # a technical column that names the rows (method: spearman, kendall) stays: without it rows are unnamed
    drop = set(hide) | (set() if technical else TECHNICAL - set(data.columns[:1]))
    if "level" in data.columns and not pd.api.types.is_numeric_dtype(data["level"]):
        drop.discard("level")  # a text `level` names the group (response rates), not a confidence level
    if sig_col is not None:
        drop.add("significant")
    cols = [c for c in data.columns if c not in drop]
    shown = data[cols].copy()
    kinds = {c: column_kind(c, data[c]) for c in cols}
    declared = getattr(table, "attrs", {}).get(FORMATS_ATTR) or {}
    kinds.update({c: k for c, k in declared.items() if c in kinds and k in KINDS})
    for i, c in enumerate(cols):  # an interval is in its estimate's unit (at_risk, ci_low, ci_high: all money)
        if c in ("ci_low", "ci_high") and i and kinds[c] == "number":
            est = cols[i - 1] if cols[i - 1] != "ci_low" else cols[i - 2] if i > 1 else None
            if est is not None and kinds[est] in ("money", "two", "fraction"):
                kinds[c] = kinds[est]
    cells = pd.DataFrame({c: [format_value(v, kinds[c], lang, currency) for v in shown[c]] for c in cols},
                         index=shown.index)
    for c in (_NAMES_COLUMNS | {"driver"}) & set(cols):  # cells that name a data column or a driver: words
        words = i18n.driver_words if c == "driver" else i18n.column_words
        if kinds[c] == "text":
            cells[c] = [v if _missing(r) else words(str(r), lang) for v, r in zip(cells[c], shown[c], strict=True)]
    if lang != "en":  # fixed English messages in text cells (steps, test names, notes) in the report language
        for c in cols:
            if kinds[c] == "text" and c not in DATA_COLUMNS:
                cells[c] = cells[c].map(lambda v: i18n.message(v, lang))
    if notes is not None and len(cols):
        marks: dict[str, int] = {}
        first = cols[0]
        for i, note in notes.items():
            note = "" if _missing(note) else str(note).strip()
            if note:
                k = marks.setdefault(note, len(marks) + 1)
                cells.loc[i, first] = f"{cells.loc[i, first]} {_sup(k)}"
        footnotes += [f"{_sup(k)} {i18n.code_html(html.escape(i18n.message(n, lang)))}" for n, k in marks.items()]
    styles = pd.DataFrame("", index=cells.index, columns=cells.columns)
    if sig_col is not None and sig_col in cells.columns:
        up = "#1a7f37"
        down = "#b42318"
        any_sig = False
        for i in cells.index:
            if bool(sig.loc[i]) and not _missing(data.loc[i, sig_col]):
                any_sig = True
                positive = float(data.loc[i, sig_col]) > (1 if sig_col == "odds_ratio" else 0)
                cells.loc[i, sig_col] = f"{'▲' if positive else '▼'} {cells.loc[i, sig_col]}"
                styles.loc[i, sig_col] = f"color: {up if positive else down}; font-weight: bold"
        if any_sig:
            footnotes.append(html.escape(i18n.text("sig_legend", lang)))
    if (cells == DASH).any().any():
        footnotes.append(html.escape(i18n.text("dash_legend", lang)))
    headers = {c: (labels or {}).get(c, i18n.column_label(str(c), lang)) for c in cols}
    cells = cells.rename(columns=headers)
    styles = styles.rename(columns=headers)
    numeric = [headers[c] for c in cols if kinds[c] not in ("text", "bool")]
    # every cell is text by now; the Styler escapes it (before the formatter), so data can never inject
    # markup; a spec key between backticks in a message (`duplicates.keep: all`) then reads as code
    styler = cells.style.hide(axis="index").format(i18n.code_html, escape="html").format_index(escape="html", axis=1)
    styler = styler.apply(lambda _: styles, axis=None)
    data_cols = [headers[c] for c in cols if c in DATA_COLUMNS]
    if data_cols:  # the data's own names: a reader's text check leaves them out
        classes = pd.DataFrame("", index=cells.index, columns=cells.columns)
        classes[data_cols] = "cx-data"
        styler = styler.set_td_classes(classes)
    if numeric:
        styler = styler.set_properties(subset=numeric, **{"text-align": "right", "white-space": "nowrap"})
    styler = styler.set_table_attributes('class="cxkit-table"')
    styler = styler.set_table_styles([
        {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: bold;"},
        {"selector": "th", "props": "text-align: left;"},
        {"selector": "td, th", "props": "padding: 2px 8px;"},
    ])
    head = i18n.code_html(html.escape(caption)) if caption else ""
    if footnotes:  # Styler has no footer; the legend goes under the caption, small
        head += ("<br>" if head else "") + "<span style='font-weight: normal; font-size: 85%'>" + \
            "; ".join(footnotes) + "</span>"
    if head:
        styler = styler.set_caption(head)
    return styler


def to_html(table: pd.DataFrame, lang: str = "en", **kwargs: Any) -> str:
    """:func:`show` as an HTML string."""
    return show(table, lang, **kwargs).to_html()

