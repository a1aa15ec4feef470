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

Loading validates everything and raises :class:`~cxkit.errors.CxkitError`
subclasses naming the file, column and rows at fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .arguments import check_table_options, to_timestamp
from .errors import DataError, ParameterError, SpecError, format_rows
from .io import read_table
from .scales import Scale, validate_scores

__all__ = ["Dataset", "load_dataset", "RESPONSE_COLUMNS", "CUSTOMER_COLUMNS", "sample_spec_path"]

# canonical column -> required?
RESPONSE_COLUMNS = {"customer_id": True, "answered_at": False, "metric": False, "score": False,
                    "touchpoint": False, "channel": False, "weight": False}
CUSTOMER_COLUMNS = {"customer_id": True, "start_date": False, "end_date": False, "churned": False,
                    "segment": False, "value": False}
TABLE_KEYS = {"file", "format", "columns", "scores", "extra", "delimiter", "decimal", "encoding",
              "sheet", "header_row", "date_format", "pii", "free_text"}


def sample_spec_path() -> Path:
    """Path of the bundled sample data's spec (``data/sample/spec.yaml``)."""
    return Path(__file__).resolve().parent.parent / "data" / "sample" / "spec.yaml"


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
        What :meth:`as_of` left out, e.g. ``{"answers after 2026-11-01": 12}``.
    """

    name: str
    responses: pd.DataFrame
    customers: pd.DataFrame | None
    scales: Mapping[str, Scale]
    files: Mapping[str, Path] = field(default_factory=dict)
    spec_path: Path | None = None
    pii: tuple[str, ...] = ()
    free_text: tuple[str, ...] = ()
    excluded: Mapping[str, int] = field(default_factory=dict)

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
    if not path.exists():
        raise SpecError(f"dataset spec {path}: file not found (resolved to {path.resolve()}).")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(f"dataset spec {path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise SpecError(f"dataset spec {path}: expected a mapping at the top level; got {type(data).__name__}.")
    return data, path.parent, str(path)


def _dates(df: pd.DataFrame, col: str, src: str, fmt: str | None, label: str | None = None) -> pd.Series:
    raw = df[col]
    if pd.api.types.is_datetime64_any_dtype(raw):
        return raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) is not None else raw
    # utc=True: offsets (+02:00) are converted to UTC, so mixed offsets still give one datetime column.
    parsed = pd.to_datetime(raw, format=fmt or "ISO8601", errors="coerce", utc=True).dt.tz_convert(None)
    bad = parsed.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
    if bad.any():
        raise DataError(f"{src}, column {(label or col)!r}: {format_rows(df.loc[bad, '_row'])} hold "
                        f"{list(raw[bad].astype(str).unique()[:3])}, not dates in format "
                        f"{fmt or 'ISO 8601 (YYYY-MM-DD)'} between 1678 and 2261; "
                        "declare `date_format` in the spec or correct the dates.")
    return parsed


def _map_columns(raw: pd.DataFrame, tspec: Mapping, canon: Mapping[str, bool], src: str,
                 table: str) -> pd.DataFrame:
    cols = tspec.get("columns", {}) or {}
    if not isinstance(cols, Mapping):
        raise SpecError(f"{src}: `tables.{table}.columns` must map canonical names to file columns.")
    unknown = set(cols) - set(canon)
    if unknown:
        raise SpecError(f"{src}: `tables.{table}.columns` has unknown canonical names {sorted(unknown)}; "
                        f"allowed: {list(canon)}.")
    missing_req = [c for c, req in canon.items() if req and c not in cols]
    if missing_req:
        raise SpecError(f"{src}: `tables.{table}.columns` must map {missing_req}.")
    extra = list(dict.fromkeys([*(tspec.get("extra", []) or []), *(tspec.get("pii", []) or []),
                                *(tspec.get("free_text", []) or [])]))
    wanted = [v for v in cols.values() if v is not None] + extra
    absent = [c for c in wanted if c not in raw.columns]
    if absent:
        has = [c for c in raw.columns if c != "_row"]
        sep = next((d for d in (";", "\t", "|") if len(has) == 1 and d in str(has[0])), None)
        hint = f" The header looks separated by {sep!r}: declare `delimiter: {sep!r}`." if sep else ""
        raise DataError(f"{src}: column(s) {absent} named in the spec are not in the file; "
                        f"the file has {has[:25]}.{hint}")
    out = pd.DataFrame({name: raw[source] for name, source in cols.items() if source is not None})
    for e in extra:
        out[e] = raw[e]
    out["_row"] = raw["_row"].to_numpy()
    for c in out.columns:
        # An all-empty end date is legitimate (nobody churned); any other empty column is a mapping error.
        if c not in ("_row", "end_date") and out[c].isna().all():
            raise DataError(f"{src}, column {cols.get(c, c)!r}: every value is missing.")
    return out


def _ids(df: pd.DataFrame, src: str, col: str) -> pd.Series:
    ids = df["customer_id"]
    if ids.isna().any():
        raise DataError(f"{src}, column {col!r}: missing customer ids in "
                        f"{format_rows(df.loc[ids.isna(), '_row'])}.")
    ids = ids.astype(str).str.strip()
    # Numeric ids read from Excel/Parquet come back as floats ("12.0"); normalise.
    return ids.str.replace(r"\.0$", "", regex=True)


def _load_responses(tspec, base, src_spec, scales) -> tuple[pd.DataFrame, Path]:
    path = base / tspec["file"]
    raw = read_table(path, tspec)
    src = str(path)
    wide = tspec.get("scores")
    cols = dict(tspec.get("columns", {}) or {})
    if wide:
        if not isinstance(wide, Mapping):
            raise SpecError(f"{src_spec}: `tables.responses.scores` must map metric names to columns.")
        if "metric" in cols or "score" in cols:
            raise SpecError(f"{src_spec}: give either `columns.metric`/`columns.score` (long layout) "
                            "or `scores` (one column per metric), not both.")
        base_df = _map_columns(raw, {**tspec, "extra": list(tspec.get("extra", []) or []) + list(wide.values())},
                               RESPONSE_COLUMNS, src, "responses")
        parts = []
        for metric, col in wide.items():
            part = base_df.drop(columns=list(wide.values())).assign(metric=metric, score=base_df[col])
            part = part[part["score"].notna()]
            parts.append(part)
        df = pd.concat(parts, ignore_index=True)
        score_col = {m: c for m, c in wide.items()}
    else:
        for need in ("metric", "score"):
            if need not in cols:
                raise SpecError(f"{src_spec}: `tables.responses` needs `columns.{need}` "
                                "or a `scores` mapping (one column per metric).")
        df = _map_columns(raw, tspec, RESPONSE_COLUMNS, src, "responses")
        df = df[df["score"].notna()].copy()
        score_col = {m: cols["score"] for m in scales}
        if df["metric"].isna().any():
            raise DataError(f"{src}, column {cols['metric']!r}: answers without a metric name in "
                            f"{format_rows(df.loc[df['metric'].isna(), '_row'])}; expected one of {sorted(scales)}.")
        df["metric"] = df["metric"].astype(str).str.strip()
    df["customer_id"] = _ids(df, src, cols.get("customer_id", "customer_id"))
    unknown = ~df["metric"].isin(list(scales))
    if unknown.any():
        raise DataError(f"{src}, column {cols.get('metric')!r}: metrics "
                        f"{sorted(df.loc[unknown, 'metric'].unique())[:5]} in "
                        f"{format_rows(df.loc[unknown, '_row'])} have no scale; declare them under `scales` "
                        f"(declared: {sorted(scales)}).")
    scores = pd.Series(np.nan, index=df.index)
    problems = []  # report every metric's bad answers at once, not just the first
    for metric, scale in scales.items():
        m = df["metric"] == metric
        if m.any():
            try:
                scores[m] = validate_scores(df.loc[m, "score"], scale, source=src,
                                            column=score_col.get(metric, "score"), rows=df.loc[m, "_row"])
            except DataError as exc:
                problems.append(f"metric {metric!r}: {exc}")
    if problems:
        raise DataError("\n".join(problems))
    df["score"] = scores
    if "answered_at" in df:
        df["answered_at"] = _dates(df, "answered_at", src, tspec.get("date_format"), cols.get("answered_at"))
    if "weight" in df:
        w = pd.to_numeric(df["weight"], errors="coerce")
        bad = w.isna() | (w < 0) | np.isinf(w)
        if bad.any():
            raise DataError(f"{src}, column {cols['weight']!r}: weights must be non-negative numbers; "
                            f"see {format_rows(df.loc[bad, '_row'])}.")
        df["weight"] = w
    for c in ("touchpoint", "channel"):
        if c in df:
            df[c] = df[c].astype("string").str.strip()
    return df.reset_index(drop=True), path


def _load_customers(tspec, base) -> tuple[pd.DataFrame, Path]:
    path = base / tspec["file"]
    raw = read_table(path, tspec)
    src = str(path)
    cols = tspec.get("columns", {}) or {}
    df = _map_columns(raw, tspec, CUSTOMER_COLUMNS, src, "customers")
    df["customer_id"] = _ids(df, src, cols.get("customer_id", "customer_id"))
    dup = df["customer_id"].duplicated(keep=False)
    if dup.any():
        raise DataError(f"{src}, column {cols.get('customer_id')!r}: customer ids "
                        f"{list(df.loc[dup, 'customer_id'].unique()[:3])} appear more than once "
                        f"({format_rows(df.loc[dup, '_row'])}); expected one row per customer.")
    for c in ("start_date", "end_date"):
        if c in df:
            df[c] = _dates(df, c, src, tspec.get("date_format"), cols.get(c))
    if "start_date" in df and "end_date" in df:
        before = df["end_date"] < df["start_date"]
        if before.any():
            raise DataError(f"{src}: end date ({cols['end_date']!r}) before start date "
                            f"({cols['start_date']!r}) in {format_rows(df.loc[before, '_row'])}.")
    if "churned" in df:
        text = df["churned"].astype(str).str.strip().str.lower()
        truth = {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False,
                 "1.0": True, "0.0": False}
        bad = ~text.isin(list(truth))
        if bad.any():
            raise DataError(f"{src}, column {cols['churned']!r}: values "
                            f"{list(df.loc[bad, 'churned'].astype(str).unique()[:3])} in "
                            f"{format_rows(df.loc[bad, '_row'])} are not yes/no, true/false or 1/0.")
        df["churned"] = text.map(truth).astype(bool)
    elif "end_date" in df:
        df["churned"] = df["end_date"].notna()
    if "value" in df:
        v = pd.to_numeric(df["value"], errors="coerce")
        bad = v.isna() & df["value"].notna()
        if bad.any():
            raise DataError(f"{src}, column {cols['value']!r}: non-numeric values in "
                            f"{format_rows(df.loc[bad, '_row'])}; expected numbers.")
        df["value"] = v
    if "segment" in df:
        df["segment"] = df["segment"].astype("string").str.strip()
    return df.reset_index(drop=True), path


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
        A file does not match the spec: missing column, bad score, bad date, duplicate id...
    """
    data, base, src = _read_spec(spec)
    allowed = {"name", "description", "tables", "scales", "source", "licence", "license", "notes"}
    unknown = set(data) - allowed
    if unknown:
        raise SpecError(f"{src}: unknown top-level keys {sorted(unknown)}; allowed: {sorted(allowed)}.")
    tables = data.get("tables")
    if not isinstance(tables, Mapping) or "responses" not in tables:
        raise SpecError(f"{src}: `tables` must contain at least `responses`.")
    bad_tables = set(tables) - {"responses", "customers"}
    if bad_tables:
        raise SpecError(f"{src}: unknown tables {sorted(bad_tables)}; allowed: ['responses', 'customers'].")
    for tname, t in tables.items():
        if not isinstance(t, Mapping) or "file" not in t:
            raise SpecError(f"{src}: `tables.{tname}` needs a `file`.")
        check_table_options(tname, t, src)
        unknown = set(t) - TABLE_KEYS
        if unknown:
            raise SpecError(f"{src}: `tables.{tname}` has unknown keys {sorted(unknown)}; "
                            f"allowed: {sorted(TABLE_KEYS)}.")
    raw_scales = data.get("scales")
    if not isinstance(raw_scales, Mapping) or not raw_scales:
        raise SpecError(f"{src}: `scales` must declare at least one metric's scale.")
    scales = {name: Scale.from_dict(name, d) for name, d in raw_scales.items()}
    responses, rpath = _load_responses(tables["responses"], base, src, scales)
    customers, files = None, {"responses": rpath}
    if "customers" in tables:
        customers, cpath = _load_customers(tables["customers"], base)
        files["customers"] = cpath
    personal = {k: tuple(dict.fromkeys(c for t in tables.values() for c in (t.get(k) or [])))
                for k in ("pii", "free_text")}
    return Dataset(name=str(data.get("name", Path(src).stem)), responses=responses, customers=customers,
                   scales=scales, files=files, spec_path=None if src == "spec" else Path(src), **personal)
