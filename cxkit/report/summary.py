"""The answer-first parts of a report page and of the index: KPI names in words, values, tiles, changes.

A recorded KPI (:mod:`cxkit.report.kpis`) carries a code name (``nps``,
``drivers_r2``) and a unit; a manager reads "Net Promoter Score" and a value
with the precision its unit deserves (AUC and R² two decimals, the rest one).
The change against the previous run of the same report is tested with the
two runs' intervals (normal approximation: SE = interval width / 2z).
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from statistics import NormalDist
from typing import Any

from . import i18n

__all__ = ["report_header", "nav_html", "kpi_label", "kpi_value", "kpi_interval", "kpi_change", "match_previous", "tiles_html", "TWO_DECIMALS"]

#: Units shown with two decimals (their differences matter in the second decimal).
TWO_DECIMALS = frozenset({"AUC", "R2", "R²", "r", "rho", "odds ratio"})

_NAMES: dict[str, tuple[str, str]] = {
    "nps": ("Net Promoter Score", "Net Promoter Score"),
    "csat": ("Customer satisfaction (CSAT)", "Klanttevredenheid (CSAT)"),
    "ces": ("Customer effort (CES)", "Klantinspanning (CES)"),
    "churn_rate": ("Churn rate", "Opzegpercentage"),
    "churn_share": ("Share of customers who left", "Aandeel vertrokken klanten"),
    "satisfied_not_promoters": ("Satisfied customers who do not promote", "Tevreden klanten die niet aanbevelen"),
    "churn_gap_satisfied_nonpromoters_vs_promoters": (
        "Extra churn of satisfied non-promoters vs promoters",
        "Extra opzeggingen van tevreden niet-promotors t.o.v. promotors"),
    "drivers_r2": ("NPS explained by the drivers", "Verklaard deel van de NPS door de drijfveren"),
    # reports 06 and 07 (issue 12 polish)
    "top_topic_share": ("Share of comments on the most mentioned topic",
                        "Aandeel opmerkingen over het vaakst genoemde onderwerp"),
    "promoter_value": ("Extra lifetime value of a promoter over a detractor",
                       "Extra klantwaarde van een promotor boven een criticaster"),
}
#: Units shown as money: currency first, thousands separators, no decimals (as the tables show money).
MONEY_UNITS = frozenset({"money", "€", "EUR"})
CURRENCY = "€"
_UNITS: dict[str, tuple[str, str]] = {
    "points": ("points", "punten"), "% top box": ("% top box", "% topbox"), "% easy": ("% easy", "% makkelijk"),
    "% of customers": ("% of customers", "% van de klanten"), "%": ("%", "%"),
    "%-points": ("percentage points", "procentpunten"), "AUC": ("AUC", "AUC"), "R2": ("R²", "R²"),
}
_AUC_LABEL = ("{m}: how well it predicts churn (AUC)", "{m}: hoe goed het opzeggingen voorspelt (AUC)")
_WORDS: dict[str, tuple[str, str]] = {
    "ci": ("{pct}% CI {lo} to {hi}", "{pct}%-BI {lo} tot {hi}"),
    "n": ("n = {n}", "n = {n}"),
    "suppressed": ("suppressed: too few answers", "weggelaten: te weinig antwoorden"),
    "missing": ("not available", "niet beschikbaar"),
    "vs": ("{d} vs {date}", "{d} t.o.v. {date}"),
    "sig": ("significant", "significant"), "ns": ("not significant", "niet significant"),
    "first": ("no earlier run to compare", "geen eerdere run om mee te vergelijken"),
    "headline": ("Headline figures", "Kerncijfers"),
}


def _i(lang: str) -> int:
    return i18n.LANGS.index(i18n.check_lang(lang))


def _word(key: str, lang: str, **fields: object) -> str:
    return _WORDS[key][_i(lang)].format(**fields)


def metric_short(code: str) -> str:
    """A metric code as a reader writes it in a sentence: ``NPS``, ``CSAT``, ``CSAT renewal``, ``first contact``."""
    base, *rest = code.split("_")
    if base in ("nps", "csat", "ces"):
        return " ".join([base.upper(), *rest])
    return code.replace("_", " ")


def _metric_words(code: str, lang: str) -> str:
    if code in _NAMES:
        return _NAMES[code][_i(lang)]
    base = code.split("_")[0]
    if base in ("nps", "csat", "ces") and code != base:  # e.g. csat_renewal: "CSAT renewal"
        return f"{base.upper()} {' '.join(code.split('_')[1:])}"
    return code.replace("_", " ")


def kpi_label(kpi: Mapping[str, Any], lang: str = "en") -> str:
    """The KPI's name in words, with what it is about (``Churn rate, 2026-10``)."""
    name, unit = str(kpi.get("name", "")), str(kpi.get("unit", ""))
    label = _AUC_LABEL[_i(lang)].format(m=_metric_words(name, lang)) if unit == "AUC" else _metric_words(name, lang)
    about = ", ".join(str(v) for v in (kpi.get("labels") or {}).values() if v not in (None, ""))
    return f"{label}, {about}" if about else label


def _digits(kpi: Mapping[str, Any]) -> int:
    unit = str(kpi.get("unit", ""))
    return 2 if unit in TWO_DECIMALS else 0 if unit in MONEY_UNITS else 1


def _money(kpi: Mapping[str, Any]) -> bool:
    return str(kpi.get("unit", "")) in MONEY_UNITS


def _amount(kpi: Mapping[str, Any], x: float, lang: str, sign: bool = False) -> str:
    """A KPI's number in its unit's precision; money as ``€ 5,129`` (sign before the currency)."""
    s = i18n.fmt(x, _digits(kpi), lang, sign=sign)
    if not _money(kpi):
        return s
    return f"{s[0]}{CURRENCY} {s[1:]}" if sign else f"{CURRENCY} {s}"


def _unit(kpi: Mapping[str, Any], lang: str) -> str:
    u = str(kpi.get("unit", "") or "")
    return _UNITS[u][_i(lang)] if u in _UNITS else u


def kpi_value(kpi: Mapping[str, Any], lang: str = "en", unit: bool = True) -> str:
    """``12.3 points``, ``0.68 AUC``; words when suppressed or missing."""
    if kpi.get("suppressed"):
        return _word("suppressed", lang)
    if kpi.get("value") is None:
        return _word("missing", lang)
    v = _amount(kpi, kpi["value"], lang)
    u = "" if _money(kpi) else _unit(kpi, lang)
    return f"{v} {u}".strip() if unit else v


def kpi_interval(kpi: Mapping[str, Any], lang: str = "en") -> str:
    """``95% CI 10.1 to 14.2 · n = 1,234`` (the interval left out when there is none)."""
    parts = []
    if kpi.get("ci_low") is not None and kpi.get("ci_high") is not None and not kpi.get("suppressed"):
        pct = round(100 * (kpi.get("level") or 0.95))
        parts.append(_word("ci", lang, pct=pct, lo=_amount(kpi, kpi["ci_low"], lang), hi=_amount(kpi, kpi["ci_high"], lang)))
    parts.append(_word("n", lang, n=i18n.fmt(kpi.get("n", 0), 0, lang)))
    return " · ".join(parts)


def _key(kpi: Mapping[str, Any]) -> tuple:
    # The period label moves with the run date; the same figure of the previous run has the other labels equal.
    labels = {k: v for k, v in (kpi.get("labels") or {}).items() if k != "period"}
    return str(kpi.get("name")), str(kpi.get("unit", "")), tuple(sorted(labels.items()))


def match_previous(kpis: Iterable[Mapping[str, Any]], previous: Iterable[Mapping[str, Any]]
                   ) -> list[Mapping[str, Any] | None]:
    """For each KPI, the same figure of the previous run (or None)."""
    prev = {_key(k): k for k in previous}
    return [prev.get(_key(k)) for k in kpis]


def _se(kpi: Mapping[str, Any]) -> float | None:
    lo, hi, level = kpi.get("ci_low"), kpi.get("ci_high"), kpi.get("level") or 0.95
    if lo is None or hi is None:
        return None
    return (hi - lo) / (2 * NormalDist().inv_cdf(0.5 + level / 2))


def kpi_change(kpi: Mapping[str, Any], previous: Mapping[str, Any] | None, lang: str = "en",
               previous_date: str = "") -> tuple[str, str]:
    """(text, css class) of the change against the previous run: ``▲ +2.1 vs 2026-10-01 (significant)``.

    Significance: a two-sided z test at the KPI's level on the difference, with
    each run's standard error taken from its interval (independent samples).
    """
    if previous is None or kpi.get("value") is None or previous.get("value") is None:
        return _word("first", lang), "first"
    diff = kpi["value"] - previous["value"]
    d = _amount(kpi, diff, lang, sign=True)
    se1, se2 = _se(kpi), _se(previous)
    level = kpi.get("level") or 0.95
    sig = (se1 is not None and se2 is not None and (se1 ** 2 + se2 ** 2) > 0
           and abs(diff) / math.sqrt(se1 ** 2 + se2 ** 2) > NormalDist().inv_cdf(0.5 + level / 2))
    mark = ("▲ " if diff > 0 else "▼ ") if sig else ""
    words = _word("sig" if sig else "ns", lang)
    text = f"{mark}{_word('vs', lang, d=d, date=previous_date) if previous_date else d} ({words})"
    return text, ("up" if diff > 0 else "down") if sig else "same"


_TILE_CSS = """<style>
.cx-tiles{display:flex;flex-wrap:wrap;gap:.8rem;margin:.6rem 0 1.2rem}
.cx-tile{border:1px solid #d0d7de;border-radius:8px;padding:.6rem .9rem;min-width:13rem;max-width:20rem;background:#fafbfc}
.cx-tile .lab{font-size:.85rem;color:#444}.cx-tile .val{font-size:1.6rem;font-weight:600;margin:.15rem 0}
.cx-tile .ci{font-size:.8rem;color:#555}.cx-tile .chg{font-size:.8rem;margin-top:.2rem;color:#555}
.cx-tile .up{color:#1a7f37;font-weight:600}.cx-tile .down{color:#b42318;font-weight:600}
</style>"""


def tiles_html(kpis: Sequence[Mapping[str, Any]], previous: Sequence[Mapping[str, Any]] = (), lang: str = "en",
               previous_date: str = "") -> str:
    """KPI tiles: name in words, value, interval and n, change against the previous run with its mark."""
    e = html.escape
    tiles = []
    for k, p in zip(kpis, match_previous(kpis, previous), strict=True):
        change, cls = kpi_change(k, p, lang, previous_date)
        tiles.append(f"<div class='cx-tile'><div class='lab'>{e(kpi_label(k, lang))}</div>"
                     f"<div class='val'>{e(kpi_value(k, lang))}</div><div class='ci'>{e(kpi_interval(k, lang))}</div>"
                     f"<div class='chg'><span class='{cls}'>{e(change)}</span></div></div>")
    return f"{_TILE_CSS}<div class='cx-tiles'>{''.join(tiles)}</div>" if tiles else ""

_WORDS.update({
    "dataset": ("Dataset", "Dataset"), "period": ("Period", "Periode"), "run_date": ("Run date", "Rundatum"),
    "to": ("to", "tot en met"), "index": ("All reports of this date", "Alle rapporten van deze datum"),
    "all_dates": ("All dates", "Alle datums"),
})


def report_header(dataset: Any, run_date: str, period_start: str | None = None, lang: str = "en") -> str:
    """The line under a report's title: dataset name, period covered and run date.

    ``period_start`` default: the first answer date in ``dataset`` (the period then
    runs to ``run_date``, the data cut-off).
    """
    import pandas as pd  # lazily: the header is built once per report

    start = period_start
    if not start:
        dates = getattr(dataset, "responses", pd.DataFrame()).get("answered_at")
        start = str(pd.Timestamp(dates.min()).date()) if dates is not None and dates.notna().any() else ""
    e = html.escape
    period = f"{e(str(start))} {e(_word('to', lang))} {e(str(run_date))}" if start else e(str(run_date))
    name = getattr(dataset, "name", "") or ""
    return (f"<p class='cx-meta' style='color:#444'><b>{e(_word('dataset', lang))}:</b> <span class='cx-data'>{e(str(name))}</span> · "
            f"<b>{e(_word('period', lang))}:</b> {period} · <b>{e(_word('run_date', lang))}:</b> {e(str(run_date))}</p>")


def nav_html(lang: str = "en") -> str:
    """Links from a rendered report back to its date's index and the index of all dates."""
    e = html.escape
    return (f"<nav class='cx-nav' style='font-size:.9rem'><a href='../index.html'>← {e(_word('index', lang))}</a> · "
            f"<a href='../../index.html'>{e(_word('all_dates', lang))}</a></nav>")
