"""Why did it move? The overview report's first section: largest moves, their mix/rate split, active alerts.

:func:`why_it_moved` runs :func:`~cxkit.research.decompose.decompose_change` on each metric's last two
periods (split by each drill-down column) and :func:`~cxkit.research.monitor.monitor` on each metric's
series, and says plainly when the question cannot be asked (no answer dates, a single period).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._checks import as_list
from ..data.dataset import Dataset
from ..errors import DegenerateDataError
from ..report.i18n import check_lang
from ..report.i18n import text as _t
from .decompose import ChangeDecomposition, decompose_change
from .monitor import Monitor, monitor

__all__ = ["WhyItMoved", "why_it_moved"]


@dataclass
class WhyItMoved:
    """Result of :func:`why_it_moved`.

    Attributes
    ----------
    moves : DataFrame
        One row per metric and split column, largest moves first: ``metric``, ``by``, ``period_a``,
        ``period_b``, ``value_before``, ``value_after``, ``change``, ``change_ci_low``, ``change_ci_high``,
        ``mix``, ``mix_ci_low``, ``mix_ci_high``, ``rate``, ``rate_ci_low``, ``rate_ci_high``, ``largest``.
    decompositions : dict
        ``(metric, by)`` -> :class:`ChangeDecomposition`.
    monitors : list of Monitor
    reason : str
        Why nothing could be split (English; ``describe(lang)`` words it in the report language), "" otherwise.
    """

    moves: pd.DataFrame
    decompositions: dict[tuple[str, str], ChangeDecomposition] = field(default_factory=dict)
    monitors: list[Monitor] = field(default_factory=list)
    reason: str = ""
    reason_key: str = ""

    @property
    def applicable(self) -> bool:
        return not self.reason_key

    def describe(self, lang: str = "en", alerts: bool = True) -> str:
        """Markdown bullets: one sentence per metric's move (largest first), then (``alerts``) the active alerts."""
        check_lang(lang)
        if not self.applicable:
            return _t(self.reason_key, lang)
        lines = []
        for metric in dict.fromkeys(self.moves["metric"]):  # largest move first
            rows = self.moves[self.moves["metric"] == metric]
            # The sentence names the split where who answered mattered most.
            first = self.decompositions[(metric, rows.loc[rows["mix"].abs().idxmax(), "by"])]
            lines.append("- " + first.sentence(1, lang))
            for by in rows["by"]:  # the split by every column, with intervals
                lines.append("    " + first_bullet(self.decompositions[(metric, by)], lang))
        if not alerts:
            return "\n".join(lines)
        found, seen = [], set()
        for mo in self.monitors:
            for (_, a), text in zip(mo.active.iterrows(), mo.alert_sentences(lang), strict=True):
                key = (mo.metric, a["series"], a["period"])
                if key not in seen:
                    seen.add(key)
                    found.append("- " + text)
        lines += found or ["- " + _t("al_none", lang)]
        return "\n".join(lines)


def first_bullet(d: ChangeDecomposition, lang: str) -> str:
    """``- By channel: within segments -5.9 (95% CI ...), mix -7.8 (95% CI ...).`` (level 1 of ``d``)."""
    return d.describe(lang).splitlines()[1]


def why_it_moved(ds: Dataset, answers: pd.DataFrame, by: str | Sequence[str], *, freq: str = "M",
                 level: float = 0.95, min_n: int = 30, n_boot: int = 500, seed: int = 0,
                 monitor_data: pd.DataFrame | None = None) -> WhyItMoved:
    """Largest moves between each metric's last two periods, their mix/rate split, and the active alerts.

    Parameters
    ----------
    ds : Dataset
    answers : DataFrame
        The report's answers (e.g. :func:`cxkit.window`), with ``metric``, ``score``, ``answered_at`` and the
        ``by`` columns; the change is between the last two periods with answers at ``freq``.
    by : str or list of str
        Split columns (each decomposed on its own); the caller has checked them for personal data.
    monitor_data : DataFrame, optional
        Answers the monitor judges (default ``answers``); pass all answers up to the report date so the
        first periods of the report have earlier periods to be judged against.

    Returns
    -------
    WhyItMoved
        Not applicable (``reason`` set) without answer dates, without split columns or when no metric has
        two periods with answers.
    """
    by = as_list(by)
    empty = pd.DataFrame(columns=["metric", "by", "period_a", "period_b", "change"])
    if not ds.has_answer_dates or "answered_at" not in answers or answers["answered_at"].isna().all():
        return WhyItMoved(empty, reason="The answers have no dates: there is no earlier period to compare with.",
                          reason_key="why_na_dates")
    if not by:
        return WhyItMoved(empty, reason="No column to split by.", reason_key="why_na_groups")
    moves, decs, monitors = [], {}, []
    for metric in ds.metrics():
        rows = answers[answers["metric"] == metric]
        if rows.empty:
            continue
        scale = ds.scale(metric)
        weight = "weight" if "weight" in rows else None
        for column in by:
            sub = rows[rows[column].notna()]
            try:
                d = decompose_change(sub, scale.kind, by=column, scale=scale, weight=weight, freq=freq, level=level,
                                     n_boot=n_boot, seed=seed, min_n=min_n)
            except DegenerateDataError:  # fewer than two periods with answers: nothing to split
                break
            d.metric = metric
            decs[(metric, column)] = d
            p = d.parts.iloc[0]
            top = d.largest(1)
            moves.append({"metric": metric, "by": column, "period_a": d.period_a, "period_b": d.period_b,
                          **{k: p[k] for k in ("value_before", "value_after", "change", "change_ci_low",
                                               "change_ci_high", "mix", "mix_ci_low", "mix_ci_high", "rate",
                                               "rate_ci_low", "rate_ci_high")},
                          "largest": str(top["group"].iloc[0]) if len(top) else ""})
        judged = (monitor_data if monitor_data is not None else answers)
        judged = judged[judged["metric"] == metric]
        for column in by:
            if judged["answered_at"].notna().any() and judged[column].notna().any():
                mo = monitor(judged, scale.kind, by=column, freq=freq, scale=scale, min_n=min_n)
                mo.metric = metric
                monitors.append(mo)
    if not moves:
        return WhyItMoved(empty, monitors=monitors, reason="No metric has answers in two periods.",
                          reason_key="why_na_periods")
    table = pd.DataFrame(moves)
    # Largest first: the change in units of its own interval's half-width (NPS points and % are not comparable).
    half = (table["change_ci_high"] - table["change_ci_low"]).abs() / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        table["_size"] = (table["change"].abs() / half.where(half > 0)).fillna(0)
    table = table.sort_values(["_size", "metric", "by"], ascending=[False, True, True], kind="stable")
    table = table.drop(columns="_size").reset_index(drop=True)
    return WhyItMoved(table, decs, monitors)
