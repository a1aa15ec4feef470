"""The league tables and the weighting report of notebook 05 (segment tables), kept out of the notebook.

:func:`league_units` picks the unit columns a dataset has, :func:`league_tables` ranks each metric's
units with :func:`cxkit.stats.league.league`, :func:`weighting_report` gathers the raking reports of a
dataset spec's ``weights:`` (:mod:`cxkit.data.weighting`) into one reader table, and
:func:`segments_verdict` adds the league's clearest bottom unit and the weighting efficiency to the
report's verdict. Every reader sentence comes from :mod:`cxkit.report.i18n` (English and Dutch).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .._checks import as_list, check_min_n
from .._raking import weight_diagnostics
from ..data.dataset import Dataset
from ..errors import CxkitError
from ..stats.league import LEAGUE_METRICS, League, league

__all__ = ["league_units", "league_tables", "weighting_report", "weighting_efficiency", "segments_verdict",
           "league_headline", "weighting_tables", "CLEAR_BOTTOM", "MAX_UNITS", "MIN_UNITS"]

#: P(bottom) from which the verdict names a league's most likely bottom unit.
CLEAR_BOTTOM = 0.8
#: Largest number of units in one league table (more: the caterpillar plot and table become unreadable).
MAX_UNITS = 200
#: Fewest units for a league table: how much units differ (the prior every unit is shrunk towards) is
#: estimated from the units themselves, and from fewer than about five it is mostly zero or unstable
#: (the GLMM FAQ's advice for random effects; docs/statistics.md). Three segments are not a league.
MIN_UNITS = 5


def league_units(answers: pd.DataFrame, unit: Sequence[str], fallback: Sequence[str] = (), ds: Dataset | None = None,
                 *, allow_personal_data: bool = False, lang: str = "en") -> tuple[list[str], list[str]]:
    """The unit columns of the league tables, and plain notes on those left out.

    Parameters
    ----------
    answers : DataFrame
        The answers of the report (joined to customers).
    unit : list of str
        The unit columns asked for (combined into one unit); absent ones are left out with a note.
    fallback : list of str
        Used when none of ``unit`` is present (notebook 05: its banner variables), each on its own
        (the first one).
    ds : Dataset, optional
        For the personal-data check (:func:`cxkit.data.privacy.safe_group_by`).
    allow_personal_data : bool
        Personal columns (ids, names, free text) are withheld as units unless allowed.

    Returns
    -------
    (units, notes)
        ``units`` is empty when there is no unit column to rank by.
    """
    from ..data.privacy import safe_group_by
    from ..report.i18n import text

    unit = as_list(unit, "league_unit")
    notes = []
    present = [c for c in unit if c in answers.columns]
    absent = [c for c in unit if c not in answers.columns]
    if absent:
        notes.append(text("lgr_absent", lang, cols=", ".join(absent)))
    present, withheld = safe_group_by(answers, present, ds, allow=allow_personal_data)
    for column, why in withheld.items():
        notes.append(text("lgr_personal", lang, col=column, why=why))
    if not present:
        fb = [c for c in fallback if c in answers.columns][:1]
        if fb:
            notes.append(text("lgr_fallback", lang, col=fb[0]))
        present = fb
    if not present:
        notes.append(text("lgr_none", lang))
    return list(present), notes


def league_tables(answers: pd.DataFrame, metrics: Sequence[str], scales: Mapping, unit: Sequence[str], *,
                  level: float = 0.95, min_n: int = 0, lang: str = "en",
                  min_units: int = MIN_UNITS) -> tuple[dict[str, League], list[str]]:
    """One league table per metric (units with answers of it), and plain notes on the metrics left out.

    A metric is left out, with a sentence, when its scale has no league (custom kinds), fewer than two units
    have answers (nothing to rank), fewer than ``min_units`` (default :data:`MIN_UNITS`: too few to estimate
    how much units differ), more than :data:`MAX_UNITS`, or the fit fails (every answer in one category).
    """
    from ..report.i18n import message, text

    min_units = check_min_n(min_units, "min_units")
    out: dict[str, League] = {}
    notes = []
    unit = list(unit)
    for m in metrics:
        scale = scales[m]
        rows = answers[answers["metric"] == m].dropna(subset=unit)
        units = len(rows[unit].drop_duplicates()) if len(rows) else 0
        if scale.kind not in LEAGUE_METRICS:
            notes.append(text("lgr_kind", lang, metric=m, kind=scale.kind))
        elif units < 2:
            notes.append(text("lgr_few", lang, metric=m, k=units))
        elif units < min_units:
            notes.append(text("lgr_few_units", lang, metric=m, k=units, unit=" / ".join(unit), least=min_units))
        elif units > MAX_UNITS:
            notes.append(text("lgr_many", lang, metric=m, k=units, most=MAX_UNITS))
        else:
            try:
                out[m] = league(rows, unit=unit, metric=scale.kind, scale=scale, level=level, min_n=min_n,
                                source=f"{m} answers")
            except CxkitError as exc:  # e.g. every answer in one category: say so, the report goes on
                notes.append(text("lgr_failed", lang, metric=m, why=message(str(exc), lang)))
    return out, notes


def weighting_report(ds: Dataset, lang: str = "en") -> pd.DataFrame:
    """The dataset's weighting in one table: per raking (each metric, or ``all``) its convergence, iterations,
    answers, n_eff, efficiency (%), design effect and largest weight relative to the mean.

    Without ``weights:`` in the spec but with a weight column, one row ``weight column`` of Kish's summaries
    (:func:`cxkit._raking.weight_diagnostics`); without weights, an empty table.
    """
    from ..report.i18n import text

    cols = ["raking", "converged", "iterations", "n", "n_eff", "efficiency_pct", "deff", "max_ratio"]
    rows = []
    for name, r in (ds.weighting or {}).items():
        rows.append({"raking": text("wtr_all", lang) if name == "all" else name,
                     "converged": text("wtr_yes" if r.converged else "wtr_no", lang), "iterations": int(r.iterations), "n": r.n,
                     "n_eff": r.n_eff, "efficiency_pct": 100 * r.efficiency, "deff": r.deff,
                     "max_ratio": r.max_ratio})
    if not rows and ds.weighted:
        d = weight_diagnostics(ds.responses["weight"].dropna())
        rows.append({"raking": text("wtr_column", lang), "converged": "", "iterations": np.nan, "n": d["n"], "n_eff": d["n_eff"],
                     "efficiency_pct": 100 * d["efficiency"], "deff": d["deff"], "max_ratio": d["max_ratio"]})
    return pd.DataFrame(rows, columns=cols)


def weighting_efficiency(ds: Dataset) -> float:
    """The lowest weighting efficiency (n_eff / n) over the dataset's rakings; NaN without weights."""
    t = weighting_report(ds)
    return float(t["efficiency_pct"].min() / 100) if len(t) else float("nan")


def league_headline(lg: League, lang: str = "en") -> str:
    """The league's headline for a reader in ``lang``: the unit columns in words.

    :meth:`League.headline` names the unit by its columns (``segment / preferred_channel``): stats may not
    import the report layer, so the words (``segment / preferred channel``, Dutch ``voorkeurskanaal``) are put
    in here, after the sentence is translated.
    """
    import re

    from ..report.i18n import message, unit_words

    said = message(lg.headline(), lang)
    return re.sub(rf"(?<![\w/]){re.escape(lg.unit_label)}(?![\w/])", lambda _: unit_words(lg.unit, lang), said)


def segments_verdict(leagues: Mapping[str, League], ds: Dataset, weighted: bool, lang: str = "en") -> list[str]:
    """Markdown bullets for the verdict: each league's most likely bottom unit when P(bottom) is at least
    :data:`CLEAR_BOTTOM`, and the weighting efficiency when the figures are weighted."""
    from ..report.i18n import num, text

    out = []
    for m, lg in leagues.items():
        p = lg.table["p_bottom"].to_numpy(float)
        if len(p) and not np.isnan(p).all() and np.nanmax(p) >= CLEAR_BOTTOM:
            out.append(text("lgr_verdict", lang, metric=m, headline=league_headline(lg, lang)))
    if weighted:
        eff = weighting_efficiency(ds)
        if not np.isnan(eff):
            out.append(text("wtr_verdict", lang, eff=num(100 * eff, ".0f", lang)))
    return out


def weighting_tables(ds: Dataset, lang: str = "en") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rakings' margins (category, n, unweighted / target / weighted share in %) and largest weights (cells),
    each with a ``raking`` column naming the raking (a metric, or all answers)."""
    from ..report.i18n import text

    margins, largest = [], []
    for name, r in (ds.weighting or {}).items():
        label = text("wtr_all", lang) if name == "all" else name
        m = r.margins.rename(columns={"level": "category"})
        m = m.assign(**{f"{c}_pct": 100 * m[c] for c in ("share_unweighted", "share_target", "share_weighted")})
        margins.append(m[["variable", "category", "n", "share_unweighted_pct", "share_target_pct",
                          "share_weighted_pct"]].assign(raking=label))
        largest.append(r.largest.assign(raking=label))
    if not margins:
        return pd.DataFrame(), pd.DataFrame()
    cat = pd.concat(margins, ignore_index=True)
    big = pd.concat(largest, ignore_index=True)
    return cat[["raking", *cat.columns[:-1]]], big[["raking", *big.columns[:-1]]]
