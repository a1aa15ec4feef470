"""Dataset specs: map an analyst's files onto cxkit's canonical tables.

See ``data/README.md`` for the contract. A spec is YAML::

    name: My CX data
    tables:
      responses:
        file: answers.csv              # relative to the spec file
        columns: {customer_id: id, answered_at: date, metric: question, score: answer}
      customers:
        file: customers.csv
        columns: {customer_id: id, start_date: since, end_date: churned_on, segment: plan}
    scales:
      nps: {kind: nps}
      csat: {kind: csat, min: 1, max: 5, top_box: [4, 5]}
      ces: {kind: ces, min: 1, max: 7, direction: higher_is_easier, easy: [5, 6, 7]}

Tables may also read Excel sheets, Parquet, SPSS and DuckDB queries
(:mod:`cxkit.io`), join further files on keys (:mod:`cxkit.joins`), turn answer
labels into numbers and recode them (:mod:`cxkit.labels`), and declare date
formats and a duplicate policy (:mod:`cxkit.checks`); ``data/README.md`` lists
every key.

Loading collects every problem in a :class:`~cxkit.quality.QualityLog`;
:func:`load_dataset` then raises one :class:`~cxkit.errors.CxkitError` listing
all of them, each naming the file, column and rows at fault, while
:func:`cxkit.validate_dataset` reports them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_keys, check_table_options, to_timestamp
from .._inputs import query_files, read_yaml, record_read, regular_file
from ..errors import CxkitError, DataError, ParameterError, SpecError
from ..scales import Scale
from .columns import (
    all_missing,
    apply_duplicates,
    auto_type,
    col_where,
    customer_ids,
    date_formats,
    exact_duplicates,
    missing_stats,
    numbers,
    parse_dates,
    recode_groups,
    rows_text,
    score_numbers,
)
from .joins import apply_joins
from .leakage import SEPARATION_COLUMNS, leak_message, separation_table
from .quality import QualityLog
from .readers import missing_values, read_query, read_table
from .weighting import apply_weights, check_weights_spec

__all__ = ["Dataset", "load_dataset", "read_dataset", "RESPONSE_COLUMNS", "CUSTOMER_COLUMNS", "TABLE_KEYS",
           "sample_spec_path"]

# canonical column -> required?
RESPONSE_COLUMNS = {"customer_id": True, "answered_at": False, "metric": False, "score": False,
                    "touchpoint": False, "channel": False, "weight": False}
CUSTOMER_COLUMNS = {"customer_id": True, "start_date": False, "end_date": False, "churned": False,
                    "segment": False, "value": False}
TABLE_KEYS = {"file", "format", "columns", "scores", "extra", "delimiter", "decimal", "encoding",
              "sheet", "header_row", "date_format"}
# Real exports (issue 5): DuckDB queries, SPSS labels, joins, answer labels, recodes, duplicate policy.
TABLE_KEYS |= {"query", "database", "use_value_labels", "join", "labels", "recode", "duplicates"}
# Personal data (issue 7): columns loaded but never shown in reports unless allowed.
TABLE_KEYS |= {"pii", "free_text", "missing_values", "missing"}
# Real exports as they come (issue 13): churn flags in words.
TABLE_KEYS |= {"churn_labels"}
# Open comments (issue 17): the table allows scrubbed quotes of its free text in reports (cxkit.research.comments).
TABLE_KEYS |= {"quotes"}
SPEC_KEYS = {"name", "description", "tables", "scales", "source", "licence", "license", "notes"}
# Raking to population margins (issue 16): `weights:` (cxkit.data.weighting).
SPEC_KEYS |= {"weights"}


def sample_spec_path() -> Path:
    """Path of the bundled sample data's spec (``cxkit/data/sample/spec.yaml``, package data)."""
    return Path(__file__).resolve().parent / "sample" / "spec.yaml"


@dataclass(frozen=True)
class Dataset:
    """Canonical tables of one dataset, validated.

    Attributes
    ----------
    name : str
    responses : DataFrame
        One row per answer: ``customer_id, answered_at, metric, score`` and,
        where mapped, ``touchpoint, channel, weight``; ``_row`` is the source row.
    customers : DataFrame or None
        One row per customer: ``customer_id, start_date, end_date, churned``,
        ``segment, value`` where mapped, plus declared extra columns.
    scales : dict of str to Scale
        Keyed by metric name (the values of ``responses.metric``).
    files : dict of str to Path
        Source file per table, for manifests.
    pii, free_text : tuple of str
        Columns the spec declares as personal data (names, e-mails...) and as
        free-text answers; see :mod:`cxkit.privacy`. They are loaded but never
        shown in reports unless a report parameter allows it.
    excluded : dict of str to int
        What :meth:`as_of` left out, e.g. ``{"answers dated after 2026-11-01": 12}``.
    leakage : dict of str to str
        Probable leakage found while loading: column (customers column, extra name or metric)
        -> the reason in plain words. Such columns are kept out of churn models by default
        (see :meth:`leaky` and :mod:`cxkit.data.leakage`).
    separation : DataFrame or None
        How well each customer column and metric alone separates churners from stayers
        (:func:`cxkit.data.leakage.separation_table`); None without a churn flag.
    weighting : dict of str to RakeResult
        With ``weights:`` in the spec, the raking report per metric (or ``"all"``): the answers'
        ``weight`` column is then the raked weight (the mapped one kept as ``base_weight``);
        see :mod:`cxkit.data.weighting`.
    """

    name: str
    responses: pd.DataFrame
    customers: pd.DataFrame | None
    scales: Mapping[str, Scale]
    files: Mapping[str, Path | str] = field(default_factory=dict)
    spec_path: Path | None = None
    quality: QualityLog | None = field(default=None, repr=False, compare=False)
    pii: tuple[str, ...] = ()
    free_text: tuple[str, ...] = ()
    excluded: Mapping[str, int] = field(default_factory=dict)
    leakage: Mapping[str, str] = field(default_factory=dict, compare=False)
    separation: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    #: Raking reports of the spec's ``weights:`` (metric, or ``"all"``, -> ``RakeResult``); empty without.
    weighting: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def leaky(self, columns: Sequence[str] | None = None) -> list[str]:
        """The probable-leakage columns among ``columns`` (default: all found), in the order given.

        Studies call this to keep such columns out of models unless the analyst insists::

            leaks = ds.leaky(controls)
            controls = [c for c in controls if c not in leaks]   # and say why: ds.leakage[c]
        """
        if columns is None:
            return list(self.leakage)
        return [c for c in columns if c in self.leakage]

    def __repr__(self) -> str:
        # Short on purpose: the default would print every row (customer ids included).
        n_cust = "no customers table" if self.customers is None else f"{len(self.customers):,} customers"
        return f"Dataset({self.name!r}: {len(self.responses):,} answers, {n_cust}, metrics {list(self.scales)})"

    @property
    def has_answer_dates(self) -> bool:
        """True when answers carry dates (trends, periods and changes need them)."""
        return "answered_at" in self.responses and bool(self.responses["answered_at"].notna().any())

    @property
    def weighted(self) -> bool:
        """True when answers carry survey weights that differ (not all the same)."""
        w = self.responses.get("weight")
        return w is not None and w.nunique(dropna=True) > 1

    def unweighted_note(self) -> list[str]:
        """The note research studies add when they leave declared survey weights out."""
        if not self.weighted:
            return []
        return ["The answers carry survey weights, which this analysis does not apply: it describes the "
                "respondents as they answered. The metric tables (NPS, CSAT, CES) are weighted."]

    def scale(self, metric: str) -> Scale:
        """The declared scale of ``metric``."""
        if metric not in self.scales:
            raise ParameterError(f"`metric` must be one of {sorted(self.scales)}; got {metric!r}.")
        return self.scales[metric]

    def metrics(self, kind: str | None = None) -> list[str]:
        """Metric names, optionally only those of one kind (nps, csat, ces)."""
        return [m for m, s in self.scales.items() if kind is None or s.kind == kind]

    def answers(self, metric: str, with_customers: bool = True) -> pd.DataFrame:
        """Answers to one metric, joined to customer attributes when available."""
        self.scale(metric)
        out = self.responses[self.responses["metric"] == metric]
        if with_customers and self.customers is not None:
            cust = self.customers.drop(columns=["_row"], errors="ignore")
            out = out.merge(cust, on="customer_id", how="left", validate="many_to_one")
        return out.reset_index(drop=True)

    def as_of(self, date: str | pd.Timestamp) -> Dataset:
        """The data as known on ``date``: later answers and customers dropped, later churn undone.

        Dates after ``date`` are normal in a backfill (the extract is newer than
        the report), so they are excluded rather than refused; how many is kept
        in :attr:`excluded` for the report to state.
        """
        cut = to_timestamp(date, "date")
        day = cut.date().isoformat()
        excluded = dict(self.excluded)
        r = self.responses
        if "answered_at" in r and r["answered_at"].notna().any():
            late = r["answered_at"] > cut
            excluded[f"answers dated after {day}"] = int(late.sum())
            r = r[~late]
        c = self.customers
        if c is not None and "start_date" in c:
            late = c["start_date"] > cut
            excluded[f"customers starting after {day}"] = int(late.sum())
            c = c[~late].copy()
            if "end_date" in c:
                late = c["end_date"] > cut
                excluded[f"churn dated after {day} (customer counted as active)"] = int(late.sum())
                c.loc[late, "end_date"] = pd.NaT
                c.loc[late, "churned"] = False
        return replace(self, responses=r.reset_index(drop=True),
                       customers=None if c is None else c.reset_index(drop=True), excluded=excluded)

    def summary(self) -> pd.DataFrame:
        """Rows, customers and date range per metric (a quick data-quality view)."""
        g = self.responses.groupby("metric", observed=True)
        out = g.agg(answers=("score", "size"), customers=("customer_id", "nunique"))
        if "answered_at" in self.responses and self.responses["answered_at"].notna().any():
            out["first"] = g["answered_at"].min().dt.date
            out["last"] = g["answered_at"].max().dt.date
        out["scale"] = [self.scales[m].describe() for m in out.index]
        return out.reset_index()


def _read_spec(spec: str | Path | Mapping) -> tuple[dict, Path, str]:
    if isinstance(spec, Mapping):
        return dict(spec), Path.cwd(), "spec"
    path = Path(spec)
    data = read_yaml(path, "dataset spec", SpecError)  # file kind, size, encoding, depth, aliases: one place
    if not isinstance(data, dict):
        raise SpecError(f"dataset spec {path}: expected a mapping at the top level; got {type(data).__name__}.")
    return data, path.parent, str(path)


# -- reading a table's sources ------------------------------------------------------------------

_READ_OPTIONS = ("file", "query", "database", "format", "sheet", "header_row", "delimiter", "decimal", "encoding",
                 "use_value_labels", "missing_values")


def _read_one(entry: Mapping, base: Path, where: str, cache: dict | None = None, table: str | None = None,
              how: str = "file") -> tuple[pd.DataFrame, str]:
    """One file or DuckDB query of a table or join entry -> (raw table, name for messages).

    ``cache`` shares reads within one load: specs often take responses and
    customers from the same workbook, and Excel is slow to parse.
    """
    key = _read_key(entry)
    # How many reads of this file the load will still make (planned by read_dataset): the cache
    # keeps a table only for a later read, and the last read takes it without a copy.
    uses = cache.setdefault(_USES, {}) if cache is not None else {}
    left = uses.get(key, 2) - 1
    if key in uses:
        uses[key] = left
    if cache is not None and key in cache:
        df, src = cache.pop(key) if left <= 0 else cache[key]
        out = df if left <= 0 else df.copy()
        out.attrs = {**df.attrs, "notes": list(df.attrs.get("notes", []))}
        return out, src
    if "query" in entry:
        if "file" in entry:
            raise SpecError(f"{where}: give either `file` or `query`, not both.")
        df, src = read_query(str(entry["query"]), base, entry.get("database"), where,
                                 missing_values(entry)), f"{where} query"
        if entry.get("database"):
            record_read(base / str(entry["database"]), table=table, rows=len(df), how="database")
        for p in query_files(str(entry["query"]), base):
            record_read(p, table=table, rows=None, how="query")
    else:
        path = Path(os.path.normpath(base / str(entry["file"])))  # "../../x" shown resolved, still relative
        if os.path.lexists(path):  # a FIFO or /dev/zero would hang or never end (absent: read_table says so)
            regular_file(path, f"{where}: data file", DataError)
        df, src = read_table(path, entry), str(path)
        record_read(path, table=table, rows=len(df), how=how)  # rows as loaded, for the run's manifest
    if cache is not None and left > 0:
        cache[key] = (df, src)
        return df.copy(), src
    return df, src


_USES = "__uses__"


def _read_key(entry: Mapping) -> str:
    return repr(sorted((k, str(entry[k])) for k in _READ_OPTIONS if k in entry))


def _planned_reads(tables: Mapping[str, Mapping]) -> dict[str, int]:
    """How often one load reads each file (tables and their joins), so a table read once is never cached."""
    counts: dict[str, int] = {}
    for t in tables.values():
        joins = t.get("join") if isinstance(t, Mapping) else None
        for entry in [t, *(joins if isinstance(joins, list) else [])]:
            if isinstance(entry, Mapping):
                counts[_read_key(entry)] = counts.get(_read_key(entry), 0) + 1
    return counts


def _read_source(tspec: Mapping, base: Path, where: str, table: str, log: QualityLog,
                 cache: dict | None = None) -> tuple[pd.DataFrame, str, dict[str, str]]:
    raw, src = _read_one(tspec, base, where, cache, table)
    n_read = len(raw)
    raw = exact_duplicates(raw, tspec, src, table, log)
    notes = list(raw.attrs.get("notes", []))
    decimal = raw.attrs.get("decimal", ".")
    joined, origin = apply_joins(raw, tspec.get("join"), lambda j: _read_one(j, base, where, cache, table, "join"),
                                 where, notes)
    joined.attrs.update(raw.attrs)
    joined.attrs["decimal"] = decimal
    for n in notes:
        log.note(table, n)
    _collect_secrets(joined, tspec, log, table)
    log.stat(table, "source", src)
    log.stat(table, "rows_read", n_read)
    return joined, src, origin


def _collect_secrets(raw: pd.DataFrame, tspec: Mapping, log: QualityLog, table: str = "") -> None:
    """Remember the raw table's personal values, so messages quoting them can be redacted.

    Taken from the table as read, before any check: a table that then fails to load
    still has its ids and e-mail addresses masked in the report of why it failed.
    """
    from .privacy import personal_columns  # privacy reads Dataset declarations; import here to stay light

    cols = tspec.get("columns") if isinstance(tspec.get("columns"), Mapping) else {}
    names = [cols.get("customer_id"), *(tspec.get("pii") or []), *(tspec.get("free_text") or []),
             *(tspec.get("_declared_personal") or [])]
    names = [str(c) for c in names if c is not None and str(c) in raw.columns]
    found = personal_columns(raw.drop(columns=names + ["_row"], errors="ignore"))
    names += [c for c in found if c not in names]
    if found:  # listed even when undeclared (a `Surname` column): what a privacy review must know
        log.stat(table, "personal_columns", dict(found))
        msg = ("column(s) that look personal, not declared: " + "; ".join(
            f"{c!r} ({why})" for c, why in found.items()) + ". Reports never show them; declare them under "
            "`pii:` (or `free_text:`) to say so, or leave them out of the export.")
        if not any(i.check == "personal" and i.message == msg for i in log.issues):  # one file, two tables
            log.add("note", table, "personal", msg, ", ".join(map(str, found)), len(found))
    for c in names:
        col = raw[c]
        if isinstance(col, pd.DataFrame):  # duplicate header names: every copy
            values = pd.unique(col.to_numpy().ravel())
        else:
            values = col.unique()
        log.secrets.update(t for t in (str(v).strip() for v in values if not pd.isna(v)) if t)


def _extra_map(tspec: Mapping, where: str) -> dict[str, str]:
    extra = tspec.get("extra", []) or []
    if isinstance(extra, Mapping):
        out = {str(k): str(v) for k, v in extra.items()}
    elif isinstance(extra, list):
        out = {str(c): str(c) for c in extra}
    else:
        raise SpecError(f"{where}: `extra` must be a list of columns or a mapping {{new_name: column}}.")
    # Declared personal and free-text columns are loaded too, so privacy checks can see them.
    for key in ("pii", "free_text"):
        for c in tspec.get(key) or []:
            out.setdefault(str(c), str(c))
    return out


def _map_columns(raw: pd.DataFrame, tspec: Mapping, canon: Mapping[str, bool], src: str, where: str,
                 extra_sources: Sequence[str] = ()) -> tuple[pd.DataFrame, dict[str, str]]:
    """Canonical + extra columns from the raw table; returns it and canonical -> source column names."""
    cols = tspec.get("columns", {}) or {}
    if not isinstance(cols, Mapping):
        raise SpecError(f"{where}: `columns` must map canonical names to file columns.")
    unknown = set(cols) - set(canon)
    if unknown:
        raise SpecError(f"{where}: `columns` has unknown canonical names {sorted(unknown)}; "
                        f"allowed: {list(canon)}.")
    missing_req = [c for c, req in canon.items() if req and c not in cols]
    if missing_req:
        raise SpecError(f"{where}: `columns` must map {missing_req} (use `_row` as the id when the "
                        "file has none: each row is then its own respondent).")
    extra = _extra_map(tspec, where)
    cols = {k: str(v) for k, v in cols.items() if v is not None}
    wanted = list(cols.values()) + list(extra.values()) + list(extra_sources)
    absent = [c for c in dict.fromkeys(wanted) if c not in raw.columns]
    if absent:
        have = [c for c in raw.columns if c != "_row"]
        hint = ""
        if len(have) == 1:
            seps = [d for d in ";,\t|" if d in str(have[0])]
            if seps:
                hint = f" It has one column whose name holds {seps[0]!r}: declare `delimiter: {seps[0]!r}`."
        raise DataError(f"{src}: column(s) {absent} named in the spec are not in the file; "
                        f"the file has {have[:25]}.{hint}")
    out = pd.DataFrame({name: raw[source].to_numpy() for name, source in cols.items()})
    for name in list(extra_sources):
        out[name] = raw[name].to_numpy()
    for name, source in extra.items():
        if name in out and name not in extra_sources:
            raise SpecError(f"{where}: extra column name {name!r} clashes with a canonical column; rename it.")
        out[name] = auto_type(raw[source], raw.attrs.get("decimal", "."))
    out["_row"] = raw["_row"].to_numpy()
    return out, cols


# -- responses ----------------------------------------------------------------------------------

def _load_responses(tspec: Mapping, base: Path, where: str, scales: Mapping[str, Scale],
                    log: QualityLog, cache: dict | None = None,
                    not_applicable: Mapping[str, Sequence[float]] | None = None) -> tuple[pd.DataFrame, Path | str]:
    raw, src, origin = _read_source(tspec, base, where, "responses", log, cache)
    decimal = raw.attrs.get("decimal", ".")
    wide = tspec.get("scores")
    cols = dict(tspec.get("columns", {}) or {})
    if wide:
        if not isinstance(wide, Mapping):
            raise SpecError(f"{where}: `scores` must map metric names to columns.")
        if "metric" in cols or "score" in cols:
            raise SpecError(f"{where}: give either `columns.metric`/`columns.score` (long layout) "
                            "or `scores` (one column per metric), not both.")
        undeclared = set(wide) - set(scales)
        if undeclared:
            raise SpecError(f"{where}: `scores` names metrics {sorted(undeclared)} without a scale; "
                            f"declared: {sorted(scales)}.")
        base_df, cols = _map_columns(raw, tspec, RESPONSE_COLUMNS, src, where, list(dict.fromkeys(wide.values())))
        parts = [base_df.drop(columns=list(dict.fromkeys(wide.values()))).assign(metric=metric,
                                                                                  score=base_df[col].to_numpy())
                 for metric, col in wide.items()]
        df = pd.concat(parts, ignore_index=True)
        score_col = {m: str(c) for m, c in wide.items()}
    else:
        for need in ("metric", "score"):
            if need not in cols:
                raise SpecError(f"{where}: `tables.responses` needs `columns.{need}` "
                                "or a `scores` mapping (one column per metric).")
        df, cols = _map_columns(raw, tspec, RESPONSE_COLUMNS, src, where)
        del raw  # the text table: its unmapped columns (and, once converted, the raw cells) can go
        score_col = {m: cols["score"] for m in scales}
        df["metric"] = df["metric"].astype("string").str.strip()
    log.stat("responses", "columns", {**cols, **{f"score[{m}]": c for m, c in score_col.items()}} if wide else cols)
    all_missing(df, cols, src, origin, "responses", log)
    empty = df["score"].isna() | (df["score"].astype("string").str.strip() == "")
    log.stat("responses", "missing_scores", {m: int(empty[df["metric"] == m].sum()) for m in scales
                                             if (df["metric"] == m).any()})
    if empty.any():  # (a filter copies every column: only when something goes)
        df = df[~empty.to_numpy()].reset_index(drop=True)
    del empty
    if df.empty:
        # Every score blank (whitespace included): nothing to analyse, and nothing to go on silently.
        where_score = col_where(src, origin, cols, "score") if "score" in cols else src
        raise DataError(f"{where_score}: no answers: every score is empty; expected at least one answer.")
    df["customer_id"] = customer_ids(df, col_where(src, origin, cols, "customer_id"), "responses", log)
    nameless = (df["metric"].isna() | (df["metric"].astype("string").str.strip() == "")).to_numpy(dtype=bool)
    if nameless.any():
        log.error("responses", "unknown_metric",
                  f"{col_where(src, origin, cols, 'metric')}: answers without a metric name in "
                  f"{rows_text(df.loc[nameless, '_row'])}; expected one of {sorted(scales)}.",
                  cols.get("metric"), int(nameless.sum()))
        df = df[~nameless].reset_index(drop=True)
    unknown = ~df["metric"].isin(list(scales))
    if unknown.any():
        log.error("responses", "unknown_metric",
                  f"{col_where(src, origin, cols, 'metric')}: metrics "
                  f"{sorted(df.loc[unknown, 'metric'].unique())[:5]} in {rows_text(df.loc[unknown, '_row'])} "
                  f"have no scale; declare them under `scales` (declared: {sorted(scales)}).",
                  cols.get("metric"), unknown.sum())
    groups = [c for c in df.columns if c not in ("customer_id", "answered_at", "metric", "score", "weight", "_row")]
    df["score"] = score_numbers(df, tspec, scales, where, src, score_col, origin, decimal, log,
                                not_applicable, groups)
    fmts = date_formats(tspec, where)
    if "answered_at" in df:
        df["answered_at"] = parse_dates(df, "answered_at", col_where(src, origin, cols, "answered_at"),
                                   fmts["answered_at"], "responses", log)
    if "weight" in df:
        absent = (df["weight"].isna() | (df["weight"].astype("string").str.strip() == "")).to_numpy(dtype=bool)
        df["weight"] = numbers(df, "weight", col_where(src, origin, cols, "weight"), decimal, "responses",
                                log, nonneg=True)
        if absent.any():
            log.error("responses", "missing", f"{col_where(src, origin, cols, 'weight')}: answers without a "
                      f"weight in {rows_text(df.loc[absent, '_row'])}; give every answer a weight "
                      "(1 where unweighted).", cols.get("weight"), int(absent.sum()))
    for c in ("touchpoint", "channel"):
        if c in df:
            df[c] = df[c].astype("string").str.strip()
    df = recode_groups(df, tspec, groups, where, "responses", log)
    missing_stats(df, "responses", log)
    on = ["customer_id", "metric"] + (["answered_at"] if "answered_at" in df else [])
    d_on = (tspec.get("duplicates") or {}).get("on", on) if isinstance(tspec.get("duplicates"), Mapping) else on
    # Ids made from row numbers (`customer_id: _row`) are named as such, never as a column `_row`.
    d_names = [("row number" if cols.get(c, c) == "_row" else cols.get(c, c))
               for c in ([d_on] if isinstance(d_on, str) else d_on)]
    d_where = f"{src}, columns {d_names}"
    df = apply_duplicates(df, tspec, "responses", d_where, on, "all", "answered_at" if "answered_at" in df else None,
                     cols, log)
    keep = (df["score"].notna() & df["metric"].isin(list(scales))).to_numpy(dtype=bool)
    if not keep.all():
        df = df[keep].reset_index(drop=True)
    elif not isinstance(df.index, pd.RangeIndex) or df.index.start != 0 or df.index.step != 1:
        df = df.reset_index(drop=True)
    log.stat("responses", "rows_kept", len(df))
    if "answered_at" in df and df["answered_at"].notna().any():
        log.stat("responses", "date_range", (df["answered_at"].min(), df["answered_at"].max()))
    return df, Path(src) if not src.endswith("query") else src


# -- customers ----------------------------------------------------------------------------------

_TRUTH = {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False, "1.0": True,
          "0.0": False, "ja": True, "nee": False, "waar": True, "onwaar": False, "y": True, "n": False,
          "j": True}


def _customer_separation(raw: pd.DataFrame, df: pd.DataFrame, tspec: Mapping, cols: Mapping[str, str],
                         log: QualityLog) -> None:
    """Measure every candidate column of the customers file (mapped or not) against the churn flag."""
    flag_sources = {cols.get(c) for c in ("customer_id", "churned", "end_date", "start_date")}
    shown = {src: name for name, src in _extra_map(tspec, "").items()}
    shown.update({src: name for name, src in cols.items() if name in ("segment", "value")})
    skip = {str(c) for k in ("pii", "free_text") for c in (tspec.get(k) or [])}
    skip |= {str(c) for c in tspec.get("_scores", ())}  # a one-table export's scores are measured as metrics
    candidates = {shown.get(c, c): c for c in raw.columns if c != "_row" and c not in flag_sources and c not in skip}
    # CSV cells are text: numbers are measured as numbers, as they would enter a model.
    # Mapped columns are typed already (extra: auto_type; value: numbers); the rest is typed here.
    typed = pd.DataFrame({src: (df[name].to_numpy() if name in df and name != "segment"
                                else auto_type(raw[src], raw.attrs.get("decimal", ".")))
                          for name, src in candidates.items()})
    table = separation_table(typed, df["churned"].to_numpy(bool), candidates,
                             df["end_date"] if "end_date" in df else None)
    log.stat("customers", "separation", table)
    for _, row in table[table["leakage"]].iterrows():
        log.warn("customers", "leakage", leak_message(row), row["column"], int(row["n"]))


def _churn_truth(tspec: Mapping, where: str) -> dict[str, bool]:
    """Text of the churn flag -> churned?: the built-in yes/no words plus the declared ``churn_labels``."""
    declared = tspec.get("churn_labels")
    if declared is None:
        return _TRUTH
    if (not isinstance(declared, Mapping) or set(declared) != {"churned", "stayed"}
            or not all(isinstance(v, list) and v for v in declared.values())):
        raise SpecError(f"{where}: `churn_labels` must list the labels of both kinds, e.g. "
                        f"{{churned: [disloyal], stayed: [loyal]}}; got {declared!r}.")
    out = dict(_TRUTH)
    for key, flag in (("churned", True), ("stayed", False)):
        for label in declared[key]:
            # YAML reads a bare yes/no as a boolean; take it as the word it was.
            text = ("yes" if label else "no") if isinstance(label, bool) else str(label)
            out[text.strip().lower()] = flag
    both = {str(x).strip().lower() for x in declared["churned"]} & {str(x).strip().lower() for x in declared["stayed"]}
    if both:
        raise SpecError(f"{where}: `churn_labels` lists {sorted(both)} as both churned and stayed.")
    return out


def _load_customers(tspec: Mapping, base: Path, where: str, log: QualityLog,
                    cache: dict | None = None) -> tuple[pd.DataFrame, Path | str]:
    raw, src, origin = _read_source(tspec, base, where, "customers", log, cache)
    decimal = raw.attrs.get("decimal", ".")
    df, cols = _map_columns(raw, tspec, CUSTOMER_COLUMNS, src, where)
    log.stat("customers", "columns", cols)
    all_missing(df, cols, src, origin, "customers", log)
    df["customer_id"] = customer_ids(df, col_where(src, origin, cols, "customer_id"), "customers", log)
    fmts = date_formats(tspec, where)
    for c in ("start_date", "end_date"):
        if c in df:
            df[c] = parse_dates(df, c, col_where(src, origin, cols, c), fmts[c], "customers", log)
    if "start_date" in df and "end_date" in df:
        before = df["end_date"] < df["start_date"]
        if before.any():
            log.error("customers", "out_of_range", f"{src}: end date ({cols['end_date']!r}) before start date "
                      f"({cols['start_date']!r}) in {rows_text(df.loc[before, '_row'])}.", "end_date",
                      before.sum())
    if "churned" in df:
        truth = _churn_truth(tspec, where)
        text = df["churned"].astype("string").str.strip().str.lower()
        bad = ~text.isin(list(truth)) & df["churned"].notna()
        if bad.any():
            counts = df.loc[bad, "churned"].astype(str).str.strip().value_counts()
            listed = ", ".join(f"{k!r} ({n:,}x)" for k, n in counts.head(5).items())
            log.error("customers", "out_of_range", f"{col_where(src, origin, cols, 'churned')}: values "
                      f"{listed} in {rows_text(df.loc[bad, '_row'])} are not yes/no, true/false or 1/0"
                      f"{' or the declared churn_labels' if 'churn_labels' in tspec else ''}; declare which "
                      "labels mean churned and which stayed, e.g. `churn_labels: {churned: [Churned], "
                      "stayed: [Stayed]}`.", "churned", bad.sum())
        df["churned"] = text.isin([k for k, v in truth.items() if v]).to_numpy(bool)  # blank: not churned
    elif "end_date" in df:
        df["churned"] = df["end_date"].notna()
    if "churned" in df:
        _customer_separation(raw, df, tspec, cols, log)
    if "value" in df:
        df["value"] = numbers(df, "value", col_where(src, origin, cols, "value"), decimal, "customers", log)
    if "segment" in df:
        df["segment"] = df["segment"].astype("string").str.strip()
    groups = [c for c in df.columns if c not in CUSTOMER_COLUMNS or c == "segment"]
    stray = set(tspec.get("recode") or {}) - set(groups) if isinstance(tspec.get("recode"), Mapping) else set()
    if stray:
        raise SpecError(f"{where}: `recode` names {sorted(stray)}, which are not group columns of the customers "
                        f"table; allowed: {sorted(c for c in groups if c != '_row')}.")
    df = recode_groups(df, tspec, groups, where, "customers", log)
    missing_stats(df, "customers", log)
    df = apply_duplicates(df, tspec, "customers", col_where(src, origin, cols, "customer_id"), ["customer_id"],
                     "error", "start_date" if "start_date" in df else None, cols, log)
    log.stat("customers", "rows_kept", len(df))
    dates = [df[c] for c in ("start_date", "end_date") if c in df and df[c].notna().any()]
    if dates:
        log.stat("customers", "date_range", (min(d.min() for d in dates), max(d.max() for d in dates)))
    return df.reset_index(drop=True), Path(src) if not src.endswith("query") else src


# -- the spec -----------------------------------------------------------------------------------

def _yaml_on(d: Any) -> Any:
    """YAML 1.1 reads a bare ``on:`` key as the boolean true; take it as the ``on`` it was meant to be."""
    if isinstance(d, Mapping) and True in d and "on" not in d:
        return {("on" if k is True else k): v for k, v in d.items()}
    return d


def _fix_table(t: Any) -> Any:
    if not isinstance(t, Mapping):
        return t
    t = dict(t)
    if "duplicates" in t:
        t["duplicates"] = _yaml_on(t["duplicates"])
    if isinstance(t.get("join"), list):
        t["join"] = [_yaml_on(j) for j in t["join"]]
    return t


def _check_spec(data: Mapping, src: str) -> dict[str, Scale]:
    unknown = set(data) - SPEC_KEYS
    if unknown:
        raise SpecError(f"{src}: unknown top-level keys {sorted(unknown)}; allowed: {sorted(SPEC_KEYS)}.")
    tables = data.get("tables")
    if not isinstance(tables, Mapping) or not ("responses" in tables or (
            isinstance(tables.get("customers"), Mapping) and tables["customers"].get("scores"))):
        raise SpecError(f"{src}: `tables` must contain at least `responses` (or a `customers` table whose "
                        "score columns are declared under `scores`: one row per customer).")
    bad_tables = set(tables) - {"responses", "customers"}
    if bad_tables:
        raise SpecError(f"{src}: unknown tables {sorted(bad_tables)}; allowed: ['responses', 'customers'].")
    for tname, t in tables.items():
        if not isinstance(t, Mapping) or not ("file" in t or "query" in t):
            raise SpecError(f"{src}: `tables.{tname}` needs a `file` (or a DuckDB `query`).")
        check_table_options(tname, t, src)
        check_keys(t, TABLE_KEYS, f"{src}: `tables.{tname}`")
    raw_scales = data.get("scales")
    if not isinstance(raw_scales, Mapping) or not raw_scales:
        raise SpecError(f"{src}: `scales` must declare at least one metric's scale.")
    return {name: Scale.from_dict(name, {k: v for k, v in d.items() if k != "not_applicable"})
            if isinstance(d, Mapping) else Scale.from_dict(name, d) for name, d in raw_scales.items()}


def _not_applicable(data: Mapping, src: str) -> dict[str, list[float]]:
    """Per metric, the codes its scale declares as ``not_applicable`` (counted, never scored)."""
    out = {}
    for name, d in (data.get("scales") or {}).items():
        codes = d.get("not_applicable") if isinstance(d, Mapping) else None
        if codes is None:
            continue
        if not isinstance(codes, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in codes):
            raise SpecError(f"{src}: scale {name!r}: `not_applicable` must be a list of whole numbers such as "
                            f"[0]; got {codes!r}.")
        out[name] = [float(c) for c in codes]
    return out


# Keys of a customers table that also describe the answers when it is the only table (one row per customer).
_SHARED_KEYS = ("file", "query", "database", "format", "sheet", "header_row", "delimiter", "decimal", "encoding",
                "join", "missing", "duplicates", "date_format")


def _same_rows_scores(tables: dict) -> dict:
    """Customers read from the same rows as wide answers: their score columns are measured as metrics only."""
    r, c = tables.get("responses"), tables.get("customers")
    if not (isinstance(r, Mapping) and isinstance(c, Mapping) and isinstance(r.get("scores"), Mapping)):
        return tables
    same = all(str(r.get(k)) == str(c.get(k)) for k in _READ_OPTIONS)
    if same and "_scores" not in c:
        tables = {**tables, "customers": {**c, "_scores": [str(v) for v in r["scores"].values()]}}
    return tables


def _split_customer_level(tables: dict) -> dict:
    """A customers-only spec with ``scores``: the answers come from the same rows (read once)."""
    if "responses" in tables:
        return tables
    cust = dict(tables["customers"])
    resp = {k: cust[k] for k in _SHARED_KEYS if k in cust}
    resp["columns"] = {"customer_id": (cust.get("columns") or {}).get("customer_id")}
    resp["scores"] = cust.pop("scores")
    cust["_scores"] = list((resp["scores"] or {}).values()) if isinstance(resp["scores"], Mapping) else []
    recode = cust.get("recode") or {}
    if isinstance(recode, Mapping):
        metric_recode = {k: v for k, v in recode.items() if k in resp["scores"]}
        if metric_recode:
            resp["recode"] = metric_recode
            cust["recode"] = {k: v for k, v in recode.items() if k not in resp["scores"]}
    if "labels" in cust:
        resp["labels"] = cust.pop("labels")
    # Same rows: what the customers table declares personal is not "undeclared" in the answers read from it.
    resp["_declared_personal"] = [*(cust.get("pii") or []), *(cust.get("free_text") or [])]
    # Both tables read the same rows (once, cached), so `duplicates: {drop: exact}` drops copies from both.
    return {"responses": resp, "customers": cust}


def read_dataset(spec: str | Path | Mapping[str, Any]) -> tuple[Dataset | None, QualityLog]:
    """Load as much of a dataset as possible and log every problem instead of raising.

    Returns the :class:`Dataset` (``None`` when the responses could not be read
    at all; tables may hold rows with problems set to missing) and the
    :class:`~cxkit.quality.QualityLog`. Malformed specs still raise
    :class:`SpecError`. Most callers want :func:`load_dataset` (raises on any
    error) or :func:`cxkit.validate_dataset` (a report).
    """
    data, base, src = _read_spec(spec)
    scales = _check_spec(data, src)
    wspec = check_weights_spec(data.get("weights"), src)
    not_applicable = _not_applicable(data, src)
    tables = _split_customer_level({name: _fix_table(t) for name, t in data["tables"].items()})
    tables = _same_rows_scores(tables)
    log = QualityLog()
    cache: dict = {_USES: _planned_reads(tables)}
    responses = customers = None
    files: dict[str, Path | str] = {}
    try:
        responses, files["responses"] = _load_responses(tables["responses"], base, f"{src}, tables.responses",
                                                        scales, log, cache, not_applicable)
    except CxkitError as exc:
        log.failed("responses", exc)
    if "customers" in tables:
        try:
            customers, files["customers"] = _load_customers(tables["customers"], base,
                                                             f"{src}, tables.customers", log, cache)
        except CxkitError as exc:
            log.failed("customers", exc)
    if responses is not None and customers is not None:
        orphans = ~responses["customer_id"].isin(customers["customer_id"])
        if orphans.any():
            log.warn("responses", "unmatched", f"{files['responses']}: {orphans.sum():,} answers from "
                     f"{responses.loc[orphans, 'customer_id'].nunique():,} customer ids not in the customers "
                     f"table (e.g. {responses.loc[orphans, 'customer_id'].unique()[:3].tolist()}); they get no "
                     "customer attributes.", "customer_id", orphans.sum())
    weighting: dict = {}
    if wspec is not None and responses is not None:
        responses, weighting = apply_weights(responses, customers, wspec, src, log)
    separation = _dataset_checks(responses, customers, scales, log)
    leakage = {} if separation is None else {
        r["column"]: leak_message(r) for _, r in separation[separation["leakage"]].iterrows()}
    ds = None
    if responses is not None:
        personal = {k: tuple(dict.fromkeys(str(c) for t in tables.values() for c in (t.get(k) or [])))
                    for k in ("pii", "free_text")}
        ds = Dataset(name=str(data.get("name", Path(src).stem)), responses=responses, customers=customers,
                     scales=scales, files=files, spec_path=None if src == "spec" else Path(src), quality=log,
                     leakage=leakage, separation=separation, weighting=weighting, **personal)
    return ds, log


STALE_DAYS = 365


def _dataset_checks(responses: pd.DataFrame | None, customers: pd.DataFrame | None,
                    scales: Mapping[str, Scale], log: QualityLog) -> pd.DataFrame | None:
    """Checks across tables: churn share, each metric against churn, undated or old data.

    Returns the separation table of customer columns and metrics (None without a churn flag).
    """
    table = None
    if customers is not None and "churned" in customers:
        y = customers["churned"].to_numpy(bool)
        log.note("customers", f"churn flag: {int(y.sum()):,} of {len(y):,} customers churned "
                 f"({100 * y.mean():.1f}%), {int((~y).sum()):,} stayed.")
        table = log.stats.get("customers", {}).get("separation")
        table = table if table is not None else pd.DataFrame(columns=SEPARATION_COLUMNS)
        if responses is not None:
            metric_rows = _metric_separation(responses, customers, scales, log)
            if metric_rows is not None and len(metric_rows):
                table = pd.concat([table, metric_rows], ignore_index=True) if len(table) else metric_rows
    if responses is not None:
        dated = "answered_at" in responses and responses["answered_at"].notna().any()
        if not dated:
            log.note("responses", "the answers carry no dates: trends, periods, 'churn within N days' and the "
                     "order of answer and churn cannot be computed; read any link with churn as an "
                     "association, not a prediction.")
        else:
            last = responses["answered_at"].max()
            age = (pd.Timestamp.today().normalize() - last).days
            if age > STALE_DAYS:
                # A note, not a warning: old data is legitimate (a backfill, a study); it only needs a period.
                log.add("note", "responses", "stale", f"the last answer is dated {last.date()}, {age:,} days "
                         f"({age / 365.25:.1f} years) before today: reports for a recent period will be "
                         "empty. Set the report's period (period_start, period_end, run_date) to the data's "
                         f"range ({responses['answered_at'].min().date()} .. {last.date()}).", "answered_at")
    return table


def _metric_separation(responses: pd.DataFrame, customers: pd.DataFrame, scales: Mapping[str, Scale],
                       log: QualityLog) -> pd.DataFrame | None:
    """Each metric's mean answer per customer against churn: near-perfect (leakage) or reversed."""
    rows = []
    for metric, scale in scales.items():
        r = responses[responses["metric"] == metric]
        if r.empty:
            continue
        mean = r.groupby("customer_id")["score"].mean()
        c = customers[["customer_id", "churned"] + (["end_date"] if "end_date" in customers else [])]
        c = c[c["customer_id"].isin(mean.index)]
        if len(c) < 20:
            continue
        risk = pd.DataFrame({metric: (-1 if scale.higher_is_good else 1) * c["customer_id"].map(mean)})
        t = separation_table(risk, c["churned"].to_numpy(bool), [metric])
        if t.empty:
            continue
        row = t.iloc[0].to_dict()
        row["kind"] = "metric"
        if "end_date" in c and "answered_at" in r and r["answered_at"].notna().any():
            end = r["customer_id"].map(c.set_index("customer_id")["end_date"])
            gone = end.notna() & r["answered_at"].notna()
            if gone.sum() >= 10:
                row["after_churn"] = float((r.loc[gone, "answered_at"] >= end[gone]).mean())
                if row["after_churn"] >= 0.9:
                    row["leakage"] = True
                    row["reason"] = ",".join(x for x in (row["reason"], "after_churn") if x)
        rows.append(row)
        a = row["auc"]
        if row["leakage"]:
            log.warn("responses", "leakage", leak_message(row), metric, int(row["n"]))
        elif np.isfinite(a) and a < 0.5:
            log.note("responses", f"{metric!r} runs in reverse: customers with better scores churned more, not "
                     f"less (AUC {a:.2f} with low scores counted as risky; {1 - a:.2f} the other way round). "
                     "A score that works in reverse is worth a closer look before any conclusion.")
    return pd.DataFrame(rows, columns=SEPARATION_COLUMNS) if rows else None


def load_dataset(spec: str | Path | Mapping[str, Any]) -> Dataset:
    """Load and validate a dataset from its spec (path to YAML, or the parsed mapping).

    Returns
    -------
    Dataset

    Raises
    ------
    SpecError
        The spec is malformed or names a missing file.
    DataError
        A file does not match the spec: missing column, bad score, unknown label,
        bad or ambiguous date, duplicate id... Every problem found is listed in
        one message, each naming file, column and rows.
    """
    ds, log = read_dataset(spec)
    log.raise_errors(str(spec) if not isinstance(spec, Mapping) else "spec")
    if ds is None:  # pragma: no cover - raise_errors has raised already
        raise DataError(f"{spec}: the responses table could not be read.")
    return ds
