"""Banner tables: metrics down, groups across, with column letters, arrows against the total and bases.

The standard CX crosstab (SPSS Custom Tables, Q, Qualtrics): one column per value of each banner
variable (segment, channel, ...), grouped by variable and lettered A, B, C... within the whole table,
a Total column first. Each metric row shows the figure per column with

* the letters of the columns **of the same banner variable** it is significantly higher than;
* an arrow (▲/▼) when the column differs significantly from **the rest of the total** (the column
  against all other answers: the two are independent, unlike a column against a total that contains it);
* a dash when the column is suppressed (:func:`cxkit.stats.suppression.suppress`), and
* the minimum detectable difference (:mod:`cxkit.stats.power`) under every cell without a significant
  difference.

An effective-base row (Kish n_eff; the number of answers without weights) sits under each metric.
The tests are those of :mod:`cxkit.stats.compare` (one ``_pair`` per test: adjusted-Wald for NPS, the
two-proportion score test for shares, Welch on n_eff for means), run on per-column totals of count
tables counted in the data's engine (pandas, DuckDB, PySpark, files), so the banner scales with them.
All p-values of the table (pairs and against-the-rest) are corrected together (``correction``), and
registered in the run's error budget (:mod:`cxkit.stats.multiplicity`, source ``"banner"``), so a
scheduled batch controls them with every other report's tests.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._checks import as_list, check_choice
from .._results import Result
from ..errors import DataError, ParameterError
from ..scales import Scale
from .compare import _resolve
from .counts import check_counted_scores, kish_neff, tidy_counts
from .engines import count_rows
from .intervals import CORRECTIONS, adjust_p, nps_adjusted_wald, nps_diff_adjusted_wald, t_interval, wilson
from .metrics import DEFAULT_MIN_N, totals
from .multiplicity import register
from .power import DEFAULT_DETECT, POWER, mdd, n_needed, unit_variance
from .suppression import suppress

__all__ = ["Banner", "banner", "BANNER_STATISTICS", "TOTAL"]

#: Default statistic per scale kind: NPS, % top box (CSAT), % easy (CES).
BANNER_STATISTICS = {"nps": "nps", "csat": "top_box", "ces": "top_box"}
#: Name of the Total column's banner variable and value.
TOTAL = "Total"
_SUMS = ["n", "w", "w2", "good_n", "bad_n", "good_w", "bad_w", "wx", "wxx"]


def _letters(k: int) -> list[str]:
    """A..Z, then AA, AB, ... (as Excel columns)."""
    out = []
    for i in range(k):
        s, j = "", i
        while True:
            s = chr(65 + j % 26) + s
            j = j // 26 - 1
            if j < 0:
                break
        out.append(s)
    return out


@dataclass(frozen=True, repr=False)
class Banner(Result):
    """A banner table (see the module docstring).

    ``cells`` has one row per metric x column:

    metric, statistic, kind (the scale's), banner (the banner variable, ``"Total"`` for the total), group (its value),
    letter, n, n_eff, value (NPS points, % or mean), ci_low, ci_high (its interval at ``level``: adjusted
    Wald, Wilson or t, as the metric tables), higher_than (letters of the columns of the same
    banner variable this cell is significantly higher than), vs_total (``"up"``, ``"down"`` or ``""``),
    p_total (adjusted p-value against the rest), mdd (smallest difference from an equal-sized column
    detectable at ``power``, shown where nothing is significant), n_needed (answers per column to
    detect ``detect[statistic]``), the suppression columns and note.

    ``pairs`` has one row per test: metric, banner, a, b (group values; ``b`` is ``"rest"`` for
    the against-the-rest tests), diff, p_value, p_adj, significant.
    """

    cells: pd.DataFrame
    pairs: pd.DataFrame
    columns: tuple[str, ...]
    alpha: float
    correction: str
    min_n: int
    power: float
    detect: Mapping[str, float] = field(default_factory=dict)
    weighted: bool = False
    title = "Banner table"

    @property
    def notes(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(self.footnotes("en"))

    def summary(self) -> pd.DataFrame:
        """The tidy cell table (one row per metric x column)."""
        return self.cells

    def headline(self) -> str:
        metrics = list(dict.fromkeys(self.cells["metric"]))
        n_sig = int(self.pairs["significant"].sum()) if len(self.pairs) else 0
        return (f"{len(metrics)} metric(s) by {', '.join(self.columns)}: {n_sig} of {len(self.pairs)} tests "
                f"significant at alpha={self.alpha} ({self.correction})")

    def tests(self, lang: str = "en") -> pd.DataFrame:
        """The tests behind the letters and arrows for a reader (``b`` "rest" in ``lang``)."""
        from ..report import i18n

        return self.pairs.assign(b=self.pairs["b"].replace({"rest": i18n.text("bn_rest", lang)}))

    def p_values(self) -> pd.Series:
        """Unadjusted p-values of every test in the table (for a run-wide error budget)."""
        return self.pairs["p_value"]

    # -- rendering ----------------------------------------------------------------------------------
    def display(self, lang: str = "en") -> pd.DataFrame:
        """The crosstab as text: one row per metric and one per base/detectable difference, columns
        ``""``, ``"Total"`` and ``"<variable>: <value> (<letter>)"``."""
        from ..report import i18n

        i18n.check_lang(lang)
        c = self.cells
        heads = []
        keys = c[["banner", "group", "letter"]].drop_duplicates()
        keys = keys.assign(_k=[(lt == "", len(lt), lt) for lt in keys["letter"]]).sort_values("_k", kind="stable")
        keys = pd.concat([keys[keys["banner"] == TOTAL], keys[keys["banner"] != TOTAL]])
        for (b, g, letter, _k) in keys.itertuples(index=False):
            # column and value in words where i18n has them ("touchpoint: support_contact" reads "contactmoment: ...")
            head = f"{i18n.column_words(b, lang)}: {i18n.value_words(g, lang)} ({letter})"
            heads.append((b, g, i18n.text("bn_total", lang) if b == TOTAL else head))
        rows = []
        for metric, sub in c.groupby("metric", sort=False):
            stat = sub["statistic"].iloc[0]
            by_col = {(r.banner, r.group): r for r in sub.itertuples(index=False)}
            label = f"{metric}: {_stat_name(sub, lang)}"
            value_row, base_row, mdd_row = {"": label}, {"": i18n.text(
                "bn_base_eff" if self.weighted else "bn_base", lang)}, {"": i18n.text("bn_mdd", lang)}
            for b, g, head in heads:
                r = by_col.get((b, g))
                if r is None:
                    value_row[head] = base_row[head] = mdd_row[head] = ""
                    continue
                base_row[head] = i18n.num(r.n_eff if self.weighted else r.n, ",.0f", lang)
                if r.suppressed or _nan(r.value):
                    value_row[head], mdd_row[head] = "–", ""
                    continue
                digits = ",.2f" if stat == "mean" else ",.1f"
                arrow = {"up": " ▲", "down": " ▼"}.get(r.vs_total, "")
                value_row[head] = f"{i18n.num(r.value, digits, lang)}{arrow}{(' ' + r.higher_than) if r.higher_than else ''}"
                quiet = not r.higher_than and not r.vs_total
                mdd_row[head] = f"±{i18n.num(r.mdd, digits, lang)}" if quiet and not _nan(r.mdd) else ""
            rows += [value_row, base_row, mdd_row]
        return pd.DataFrame(rows, columns=["", *[h for _, _, h in heads]])

    def footnotes(self, lang: str = "en") -> list[str]:
        """The table's footnotes: tests, correction, letters and arrows, dashes, detectable differences."""
        from ..report import i18n

        out = [i18n.text("bn_letters", lang, alpha=i18n.num(self.alpha, ".2f", lang)),
               i18n.text("bn_correction", lang, method=i18n.text("bn_corr_" + self.correction, lang),
                         m=len(self.pairs)),
               i18n.text("bn_tests", lang)]
        if self.cells["suppressed"].any():
            out.append(i18n.text("bn_suppressed", lang, min_n=self.min_n))
        out.append(i18n.text("bn_mdd_note", lang, power=round(100 * self.power)))
        out += self.mdd_sentences(lang, limit=3)
        return out

    def mdd_sentences(self, lang: str = "en", limit: int | None = None) -> list[str]:
        """One sentence per metric: answers needed per column to detect the target difference."""
        from ..report import i18n

        out = []
        for metric, sub in self.cells.groupby("metric", sort=False):
            stat = sub["statistic"].iloc[0]
            tot = sub[sub["banner"] == TOTAL]
            if tot.empty or _nan(tot["n_needed"].iloc[0]):
                continue
            target = self.detect.get(stat, DEFAULT_DETECT[stat])
            out.append(i18n.text("bn_needs", lang, metric=metric, n=i18n.num(float(tot["n_needed"].iloc[0]),
                                                                              ",.0f", lang),
                                 d=i18n.num(target, ".2f" if stat == "mean" else ".0f", lang),
                                 unit=i18n.text("bn_unit_" + stat, lang), power=round(100 * self.power)))
        return out[:limit] if limit is not None else out

    def verdict(self, lang: str = "en") -> str:
        """What the table says, one markdown bullet per metric: the columns above or below the rest."""
        from ..report import i18n

        lines = []
        for metric, sub in self.cells.groupby("metric", sort=False):
            stat = sub["statistic"].iloc[0]
            digits = ",.2f" if stat == "mean" else ",.1f"
            tot = sub[sub["banner"] == TOTAL].iloc[0]
            total = i18n.num(tot["value"], digits, lang) if not _nan(tot["value"]) else "–"
            parts = [i18n.text("bn_verdict_" + r.vs_total, lang,
                               col=f"{r.banner} {r.group} ({i18n.num(r.value, digits, lang)})")
                     for r in sub.itertuples(index=False) if r.vs_total]
            name = _stat_name(sub, lang)
            if parts:
                lines.append(i18n.text("bn_verdict_sig", lang, metric=metric, stat=name, total=total,
                                       parts="; ".join(parts)))
            else:
                m = sub.loc[sub["banner"] != TOTAL, "mdd"].dropna()
                mdd_text = f"±{i18n.num(float(m.median()), digits, lang)}" if len(m) else "–"
                lines.append(i18n.text("bn_verdict_none", lang, metric=metric, stat=name, total=total,
                                       mdd=mdd_text))
        return "\n".join(lines)

    def show(self, lang: str = "en") -> Any:
        """The crosstab through the one table formatter (:func:`cxkit.report.tables.show`)."""
        from ..report import i18n
        from ..report.tables import show

        return show(self.display(lang), lang, caption=i18n.text("bn_title", lang), labels={"": ""})

    def to_html(self, lang: str = "en") -> str:
        import html as _html

        notes = "".join(f"<li>{_html.escape(n)}</li>" for n in self.footnotes(lang))
        return f"{self.show(lang).to_html()}\n<ul class='cx-footnotes' style='font-size: 85%'>{notes}</ul>"

    def _repr_html_(self) -> str:
        return self.to_html("en")

    def to_excel(self, path: str | Path, lang: str = "en") -> Path:
        """Write the crosstab (same letters, arrows and dashes) with its footnotes to an .xlsx file, atomically."""
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font

        from .._files import atomic_write
        from ..report import i18n

        path = Path(path)
        if path.suffix.lower() != ".xlsx":
            raise ParameterError(f"`path` must end in .xlsx; got {str(path)!r}.")
        table = self.display(lang)
        wb = Workbook()
        ws = wb.active
        ws.title = "banner"
        ws.append([i18n.text("bn_title", lang)])
        ws["A1"].font = Font(bold=True)
        ws.append(list(table.columns))
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True)
        for row in table.itertuples(index=False):
            ws.append(list(row))
        ws.append([])
        for note in self.footnotes(lang):
            ws.append([note])
        ws.column_dimensions["A"].width = 28
        buf = io.BytesIO()
        wb.save(buf)
        return atomic_write(path, buf.getvalue())


def _stat_name(sub: pd.DataFrame, lang: str) -> str:
    """NPS, % top box, % easy (a CES share) or mean, in ``lang``."""
    from ..report import i18n

    stat = sub["statistic"].iloc[0]
    easy = stat == "top_box" and sub["kind"].iloc[0] == "ces"
    return i18n.text("bn_stat_easy" if easy else "bn_stat_" + stat, lang)


def _nan(v: object) -> bool:
    try:
        return v is None or math.isnan(float(v))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _counts(data: object, keys: list[str], score: str, weight: str | None, source: str) -> tuple[pd.DataFrame, str]:
    raw, engine = count_rows(data, [*keys, score], weight=weight, source=source)
    return raw, engine


def _metric_counts(raw: pd.DataFrame, engine: str, keys: list[str], score: str, metric: str | None,
                   row: str, scale: Scale, source: str) -> pd.DataFrame:
    sub = raw[raw[metric] == row] if metric else raw
    if sub.empty:
        raise DataError(f"{source}: no answers for metric {row!r}"
                        + (f" in column {metric!r}" if metric else "") + "; expected at least one.")
    values = check_counted_scores(sub, score, scale, source=source, engine=engine)
    return tidy_counts(sub.assign(**{score: values}), [*keys, score])


def banner(data: object, rows: Sequence[str], columns: str | Sequence[str], *, scales: Mapping[str, Scale],
           metric: str | None = "metric", score: str = "score", weight: str | None = None,
           statistics: Mapping[str, str] | None = None, alpha: float = 0.05, correction: str = "fdr_bh",
           level: float = 0.95, min_n: int = DEFAULT_MIN_N, power: float = POWER,
           detect: Mapping[str, float] | None = None, source: str = "data") -> Banner:
    """A banner table of ``rows`` (metrics) by ``columns`` (banner variables).

    Parameters
    ----------
    data : DataFrame, DuckDB relation, PySpark DataFrame or Parquet/CSV path
        Long form (one row per answer, ``metric`` names the metric, ``score`` holds the answer), or wide
        form with ``metric=None`` (each row of the banner is a score column).
    rows : list of str
        Metrics (values of ``metric``, or score columns), in the order shown.
    columns : str or list of str
        Banner variables (group columns), in the order shown; rows missing a variable are left out of
        that variable's columns only.
    scales : mapping of metric to Scale
    weight : str, optional
        Survey weight column: figures are weighted, tests and minimum detectable differences use Kish's
        effective n, and ``min_n`` applies to it.
    statistics : mapping of metric to {"nps", "top_box", "mean"}, optional
        Default by scale kind: NPS -> ``nps``, CSAT -> ``top_box``, CES -> ``top_box`` (% easy).
    alpha, correction : float, {"fdr_bh", "holm", "bonferroni", "none"}
        Significance level and the correction applied over every test in the table.
    level : float
        Level of the cells' intervals.
    min_n : int
        Columns with fewer answers (effective, when weighted) are shown as a dash and not tested.
    power, detect : float, mapping of statistic to difference
        Power of the minimum detectable differences, and the difference the "needs about n answers"
        sentence targets (default 5 NPS points, 5 %-points, 0.25 scale points).

    Returns
    -------
    Banner
    """
    rows, columns = as_list(rows, "rows"), as_list(columns, "columns")
    if not rows or not columns:
        raise ParameterError(f"`rows` and `columns` must each name at least one metric / banner variable; "
                             f"got rows={rows!r}, columns={columns!r}.")
    check_choice("correction", correction, CORRECTIONS)
    if TOTAL in columns:
        raise ParameterError(f"`columns` may not contain {TOTAL!r} (the name of the total column).")
    stats_of: dict[str, str] = {}
    for r in rows:
        if r not in scales:
            raise ParameterError(f"`scales` has no scale for metric {r!r}; scales given for {sorted(scales)}.")
        stat = (statistics or {}).get(r) or BANNER_STATISTICS[scales[r].kind]
        _resolve(scales[r], stat, level, min_n, alpha)
        stats_of[r] = stat
    detect = {**DEFAULT_DETECT, **(detect or {})}
    keys0 = [metric] if metric else []
    cells, tests = [], []
    # one count query per banner variable (and one for the total), each over every metric at once
    counted = {TOTAL: _counts(data, keys0, score, weight, source)}
    for col in columns:
        counted[col] = _counts(data, [*keys0, col], score, weight, source) if metric else None
    for r in rows:
        scale, stat = scales[r], stats_of[r]
        s_col = score if metric else r
        if not metric:  # wide form: each metric is its own column
            counted[TOTAL] = _counts(data, [], s_col, weight, source)
        raw, engine = counted[TOTAL]
        tot = totals(_metric_counts(raw, engine, [], s_col, metric, r, scale, source), [], s_col,
                     scale.good, scale.bad).iloc[0]
        tot_row = {"metric": r, "statistic": stat, "kind": scale.kind, "banner": TOTAL, "group": TOTAL, **tot.to_dict()}
        cells.append(tot_row)
        for col in columns:
            raw, engine = counted[col] if metric else _counts(data, [col], s_col, weight, source)
            t = totals(_metric_counts(raw, engine, [col], s_col, metric, r, scale, source), [col], s_col,
                       scale.good, scale.bad)
            for _, g in t.iterrows():
                cells.append({"metric": r, "statistic": stat, "kind": scale.kind, "banner": col, "group": g[col],
                              **{k: g[k] for k in [*_SUMS, "n_eff"]}})
    cells_df = pd.DataFrame(cells)
    cells_df["n"] = cells_df["n"].astype("int64")
    # letters: one per column of the table (the same for every metric), Total has none
    order = []  # banner variables in the order given, each one's values sorted, over every metric
    for col in columns:
        vals = cells_df.loc[cells_df["banner"] == col, "group"].drop_duplicates()
        order += [(col, g) for g in sorted(vals, key=lambda v: (str(type(v)), v))]
    letter_of = dict(zip(order, _letters(len(order)), strict=True))
    position = {key: i for i, key in enumerate([(TOTAL, TOTAL), *order])}
    metric_pos = {r: i for i, r in enumerate(rows)}
    cells_df = cells_df.assign(_m=cells_df["metric"].map(metric_pos),
                               _c=[position[(b, g)] for b, g in zip(cells_df["banner"], cells_df["group"],
                                                                     strict=True)])
    cells_df = cells_df.sort_values(["_m", "_c"], kind="stable").drop(columns=["_m", "_c"]).reset_index(drop=True)
    cells_df["letter"] = [letter_of.get((b, g), "") for b, g in zip(cells_df["banner"], cells_df["group"],
                                                                    strict=True)]
    values, variances = [], []
    for _, c in cells_df.iterrows():
        v, var = _value(c, c["statistic"])
        values.append(v)
        variances.append(var)
    cells_df["value"] = values
    cells_df["unit_var"] = variances
    cells_df["ci_low"], cells_df["ci_high"] = _intervals(cells_df, level)
    small = suppress(cells_df[["n", "n_eff"]].assign(value=cells_df["value"], ci_low=cells_df["ci_low"],
                                                     ci_high=cells_df["ci_high"]),
                     size_col="n", value_cols=["value", "ci_low", "ci_high"], min_n=min_n, eff_col="n_eff")
    for c in ("value", "ci_low", "ci_high", "note", "suppressed", "suppressed_reason", "suppressed_min_n",
              "suppressed_unit"):
        cells_df[c] = small[c].to_numpy()
    # tests: pairs within each banner variable, and each column against the rest of the total
    for r in rows:
        sub = cells_df[cells_df["metric"] == r]
        it = int(sub.index[sub["banner"] == TOTAL][0])
        for col in columns:
            idx = [int(i) for i in sub.index[sub["banner"] == col]]
            tests += [(r, col, ia, ib, it) for ia, ib in combinations(idx, 2)]
            tests += [(r, col, ia, None, it) for ia in idx]
    diff, p_value = _run_tests(cells_df, tests, stats_of, level, min_n)
    group = cells_df["group"].to_numpy(object)
    tests = [{"metric": r, "banner": col, "a": group[ia], "b": group[ib] if ib is not None else "rest",
              "ia": ia, "ib": ib} for r, col, ia, ib, _ in tests]
    for t, d, p in zip(tests, diff, p_value, strict=True):
        t["diff"], t["p_value"] = d, p
    pairs = pd.DataFrame(tests, columns=["metric", "banner", "a", "b", "diff", "p_value", "ia", "ib"])
    pairs["p_adj"] = adjust_p(pairs["p_value"], correction, count_missing=True)
    pairs["significant"] = (pairs["p_adj"] < alpha).fillna(False).astype(bool)
    higher = {i: [] for i in cells_df.index}
    arrow = {i: "" for i in cells_df.index}
    p_total = {i: np.nan for i in cells_df.index}
    for t in pairs.itertuples(index=False):
        if t.ib is None or _nan(t.ib):
            p_total[int(t.ia)] = t.p_adj
            if t.significant:
                arrow[int(t.ia)] = "up" if t.diff > 0 else "down"
        elif t.significant:
            win, lose = (int(t.ia), int(t.ib)) if t.diff > 0 else (int(t.ib), int(t.ia))
            higher[win].append(cells_df.loc[lose, "letter"])
    cells_df["higher_than"] = ["".join(sorted(higher[i], key=lambda s: (len(s), s))) for i in cells_df.index]
    cells_df["vs_total"] = [arrow[i] for i in cells_df.index]
    cells_df["p_total"] = [p_total[i] for i in cells_df.index]
    # minimum detectable difference against a column of the same size, and answers needed for the target
    cells_df["mdd"] = mdd(cells_df["unit_var"].to_numpy(float), cells_df["n_eff"].to_numpy(float),
                          alpha=alpha, power=power)
    cells_df.loc[cells_df["suppressed"].astype(bool), "mdd"] = np.nan
    cells_df["n_needed"] = n_needed(cells_df["statistic"].map(detect).to_numpy(float),
                                    cells_df["unit_var"].to_numpy(float), alpha=alpha, power=power)
    keep = ["metric", "statistic", "kind", "banner", "group", "letter", "n", "n_eff", "value", "ci_low", "ci_high",
            "higher_than",
            "vs_total", "p_total", "mdd", "n_needed", "suppressed", "suppressed_reason", "suppressed_min_n",
            "suppressed_unit", "note"]
    pairs = pairs.drop(columns=["ia", "ib"])
    # the run's error budget: every test of the table joins the report's (and the batch's) family
    register(pairs["p_value"], [f"{m} {col}: {a} vs {b}" for m, col, a, b in
                                zip(pairs["metric"], pairs["banner"], pairs["a"], pairs["b"], strict=True)], "banner")
    return Banner(cells=cells_df[keep].reset_index(drop=True), pairs=pairs, columns=tuple(columns), alpha=alpha,
                  correction=correction, min_n=min_n, power=power, detect=detect, weighted=weight is not None)


def _value(c: pd.Series, stat: str) -> tuple[float, float]:
    """Figure and per-answer variance of one cell (the variance formulas of the comparisons)."""
    if c["w"] <= 0:
        return np.nan, np.nan
    if stat == "nps":
        pp, pd_ = c["good_w"] / c["w"], c["bad_w"] / c["w"]
        return 100 * (pp - pd_), unit_variance("nps", p_good=pp, p_bad=pd_)
    if stat == "top_box":
        p = c["good_w"] / c["w"]
        return 100 * p, unit_variance("top_box", p_good=p)
    mean = c["wx"] / c["w"]
    neff = c["n_eff"]
    var = max(c["wxx"] / c["w"] - mean**2, 0.0) * neff / max(neff - 1, 1e-12)
    return mean, unit_variance("mean", sd=math.sqrt(var))


def _intervals(cells: pd.DataFrame, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's interval, as the metric tables give it (:mod:`cxkit.stats.intervals`): adjusted Wald for
    NPS, Wilson for shares, t for means, on the effective n."""
    lo = np.full(len(cells), np.nan)
    hi = np.full(len(cells), np.nan)
    w = cells["w"].to_numpy(float)
    neff = cells["n_eff"].to_numpy(float)
    ok = w > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        p_good = np.where(ok, cells["good_w"].to_numpy(float) / w, np.nan)
        p_bad = np.where(ok, cells["bad_w"].to_numpy(float) / w, np.nan)
    stat = cells["statistic"].to_numpy()
    m = (stat == "nps") & ok
    if m.any():
        a, b = nps_adjusted_wald(p_good[m], p_bad[m], neff[m], level)
        lo[m], hi[m] = 100 * a, 100 * b
    m = (stat == "top_box") & ok
    if m.any():
        a, b = wilson(p_good[m] * neff[m], neff[m], level)
        lo[m], hi[m] = 100 * a, 100 * b
    m = (stat == "mean") & ok
    if m.any():
        sd = np.sqrt(cells["unit_var"].to_numpy(float)[m])
        lo[m], hi[m] = t_interval(cells["value"].to_numpy(float)[m], sd, neff[m], level)
    return lo, hi


def _run_tests(cells: pd.DataFrame, tests: list, stats_of: Mapping[str, str], level: float,
               min_n: int) -> tuple[np.ndarray, np.ndarray]:
    """Difference and p-value of every test, vectorised over the table.

    The tests of :func:`cxkit.stats.compare._pair` on the same per-group sums, without its intervals (a banner
    shows none for differences): NPS adjusted Wald (:func:`~cxkit.stats.intervals.nps_diff_adjusted_wald`),
    the two-proportion score test (statsmodels, as ``_pair``), Welch t on n_eff (scipy's
    ``ttest_ind_from_stats`` with ``_pair``'s per-answer variance). A side that is suppressed, empty or (the
    rest of the total) below ``min_n`` gives no test (p NaN; it still counts in the family).
    The column against the rest: the total's sums minus the column's (sums add up; n_eff is recomputed).
    """
    from scipy import stats as sps
    from statsmodels.stats.proportion import test_proportions_2indep

    m = len(tests)
    diff, p = np.full(m, np.nan), np.full(m, np.nan)
    if not m:
        return diff, p
    sums = cells[_SUMS].to_numpy(float)
    ia = np.array([t[2] for t in tests])
    ib = np.array([-1 if t[3] is None else t[3] for t in tests])
    it = np.array([t[4] for t in tests])
    rest = ib < 0
    A = sums[ia]
    B = np.where(rest[:, None], sums[it] - sums[ia], sums[np.where(rest, it, ib)])
    B[:, _SUMS.index("w2")] = np.maximum(B[:, _SUMS.index("w2")], 0.0)
    col = {k: i for i, k in enumerate(_SUMS)}
    neff_a = cells["n_eff"].to_numpy(float)[ia]
    neff_b = np.where(rest, kish_neff(B[:, col["w"]], B[:, col["w2"]]), cells["n_eff"].to_numpy(float)[np.where(rest, it, ib)])
    sup = cells["suppressed"].to_numpy(bool)
    ok = ~sup[ia] & ~np.where(rest, False, sup[np.where(rest, it, ib)]) & (A[:, col["w"]] > 0) & (B[:, col["w"]] > 0)
    ok &= ~(rest & (neff_b < min_n))
    stat = np.array([stats_of[t[0]] for t in tests])
    with np.errstate(divide="ignore", invalid="ignore"):
        ga, ba = A[:, col["good_w"]] / A[:, col["w"]], A[:, col["bad_w"]] / A[:, col["w"]]
        gb, bb = B[:, col["good_w"]] / B[:, col["w"]], B[:, col["bad_w"]] / B[:, col["w"]]
        for name in ("nps", "top_box", "mean"):
            s = ok & (stat == name)
            if not s.any():
                continue
            if name == "nps":
                diff[s] = 100 * ((ga[s] - ba[s]) - (gb[s] - bb[s]))
                p[s] = nps_diff_adjusted_wald(ga[s], ba[s], neff_a[s], gb[s], bb[s], neff_b[s], level)[4]
            elif name == "top_box":
                diff[s] = 100 * (ga[s] - gb[s])
                ca, na, cb, nb = ga[s] * neff_a[s], neff_a[s], gb[s] * neff_b[s], neff_b[s]
                pv = np.asarray(test_proportions_2indep(ca, na, cb, nb, method="score", compare="diff",
                                                        correction=False).pvalue, dtype=float)
                # both groups all in or all out of the box, equally: no difference, p = 1 (as _pair)
                same = ((ca == 0) | (ca == na)) & ((cb == 0) | (cb == nb)) & (ca / na == cb / nb)
                p[s] = np.where(same, 1.0, pv)
            else:
                def moments(X, neff):
                    mean = X[:, col["wx"]] / X[:, col["w"]]
                    var = np.maximum(X[:, col["wxx"]] / X[:, col["w"]] - mean**2, 0.0) * neff / np.maximum(neff - 1, 1e-12)
                    return mean, var
                ma, va = moments(A[s], neff_a[s])
                mb, vb = moments(B[s], neff_b[s])
                diff[s] = ma - mb
                res = sps.ttest_ind_from_stats(ma, np.sqrt(va), neff_a[s], mb, np.sqrt(vb), neff_b[s], equal_var=False)
                p[s] = np.where((va + vb) > 0, res.pvalue, np.nan)  # no variance in either group: no test
    return diff, p
