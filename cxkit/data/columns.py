"""Converting and checking canonical columns while a dataset loads.

Each function turns one kind of raw column (ids, dates, numbers, scores) into
its canonical type and logs every problem it finds in the
:class:`~cxkit.quality.QualityLog` with file, column and source rows, setting
bad values to missing so that loading can go on and report all problems at once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .._checks import check_columns
from .._dates import parse_text, utc_naive
from ..errors import SpecError, format_rows
from ..scales import Scale, range_hint
from .joins import normalise_keys
from .labels import parse_labels, recode, vocabulary
from .quality import QualityLog
from .readers import to_number

__all__ = ["auto_type", "rows_text", "col_where", "customer_ids", "date_formats", "parse_dates", "numbers",
           "apply_duplicates", "all_missing", "missing_stats", "score_numbers", "recode_groups",
           "exact_duplicates", "DUPLICATE_POLICIES"]

DUPLICATE_POLICIES = ("error", "all", "first", "last", "latest")


def auto_type(s: pd.Series, decimal: str) -> pd.Series:
    """Text columns that are all numbers (or all true/false) become numbers (booleans); others stay text."""
    if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
        return s.to_numpy()
    present = s.notna()
    if not present.any():
        return s.to_numpy()
    # A text column is usually told by its first values: convert the whole column only when they fit
    # (each attempt builds a column-sized temporary, the largest part of a big load's peak memory).
    first = s[present].head(1000)
    if to_number(first, decimal).notna().all():
        num = to_number(s, decimal)
        if num[present].notna().all():
            return num.to_numpy()
    if not first.astype("string").str.strip().str.lower().isin(["true", "false"]).all():
        return s.to_numpy()
    low = s.astype("string").str.strip().str.lower()
    if low[present].isin(["true", "false"]).all():
        return low.map({"true": True, "false": False}).astype("boolean").to_numpy()
    return s.to_numpy()


def rows_text(rows: pd.Series | Sequence[int]) -> str:
    """Source rows, once each and in order (a wide file's row appears once per metric)."""
    return format_rows(sorted(pd.unique(np.asarray(rows))))


def col_where(src: str, origin: Mapping[str, str], cols: Mapping[str, str], canon: str) -> str:
    source = cols.get(canon, canon)
    return f"{origin.get(source, src)}, column {source!r}"


def customer_ids(df: pd.DataFrame, where: str, table: str, log: QualityLog) -> pd.Series:
    ids = normalise_keys(df["customer_id"])
    miss = ids.isna() | (ids == "")
    if miss.any():
        log.error(table, "missing", f"{where}: missing customer ids in {rows_text(df.loc[miss, '_row'])}.",
                  "customer_id", df.loc[miss, "_row"].nunique())
    return ids


def date_formats(tspec: Mapping, where: str) -> dict[str, str | None]:
    fmt = tspec.get("date_format")
    if fmt is None or isinstance(fmt, str):
        return defaultdict(lambda: fmt)
    if isinstance(fmt, Mapping):
        return defaultdict(lambda: None, {str(k): str(v) for k, v in fmt.items()})
    raise SpecError(f"{where}: `date_format` must be a format like '%d-%m-%Y' or a mapping per column.")


_YEAR = r"(?<!\d)(\d{4})(?!\d)"  # the first four-digit number: the year in ISO and in declared formats
_SPAN = f"{(pd.Timestamp.min + pd.Timedelta(days=1)).date()}..{(pd.Timestamp.max - pd.Timedelta(days=1)).date()}"
_SLASHED = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(\s.*)?$")


def parse_dates(df: pd.DataFrame, col: str, where: str, fmt: str | None, table: str, log: QualityLog) -> pd.Series:
    """Parse a date column: ISO 8601 unless ``fmt`` is declared; ambiguous day/month orders are refused.

    Times with an offset or zone are converted to UTC, naive ones taken as given (:mod:`cxkit._dates`).
    """
    raw = df[col]
    if pd.api.types.is_datetime64_any_dtype(raw):
        return utc_naive(raw)
    text = raw.astype("string").str.strip()
    present = raw.notna() & (text != "")
    parsed = parse_text(raw.where(present), fmt or "ISO8601")
    bad = parsed.isna() & present
    if bad.any():
        examples = list(pd.unique(text[bad])[:3])
        rows = rows_text(df.loc[bad, "_row"])
        years = text[bad].str.extract(_YEAR, expand=False).astype(float)
        far_idx = years.index[((years < pd.Timestamp.min.year + 1) | (years > pd.Timestamp.max.year - 1)).to_numpy()]
        if len(far_idx):
            far = list(pd.unique(text[far_idx])[:3])
            log.error(table, "date", f"{where} ({col}): values {far} in {rows_text(df.loc[far_idx, '_row'])} "
                      f"are dates outside {_SPAN}, the range cxkit can hold (pandas' nanosecond timestamps); "
                      "if they stand for 'unknown' (such as 1600-01-01 or 9999-12-31), declare them in "
                      "`missing_values` for this table.", col, len(far_idx))
            bad = bad & ~bad.index.isin(far_idx)
            if not bad.any():
                return parsed
            examples = list(pd.unique(text[bad])[:3])
            rows = rows_text(df.loc[bad, "_row"])
        if fmt:
            log.error(table, "date", f"{where} ({col}): values {examples} in {rows} are not dates in the "
                      f"declared format {fmt!r}.", col, df.loc[bad, "_row"].nunique())
        else:
            m = text[bad].str.extract(_SLASHED)
            slashed = m[0].notna()
            hint = "declare `date_format` in the spec (e.g. '%d-%m-%Y %H:%M')"
            if slashed.any():
                first, second = m.loc[slashed, 0].astype(int), m.loc[slashed, 1].astype(int)
                if (first > 12).any() and (second <= 12).all():
                    hint = "they look day first: declare `date_format`, e.g. '%d/%m/%Y' (with your separator)"
                elif (second > 12).any() and (first <= 12).all():
                    hint = "they look month first: declare `date_format`, e.g. '%m/%d/%Y' (with your separator)"
                else:
                    hint = (f"{examples[0]!r} is ambiguous (day or month first?) and cxkit does not guess: "
                            "declare `date_format`, '%d/%m/%Y' (day first) or '%m/%d/%Y' (month first)")
            log.error(table, "date", f"{where} ({col}): values {examples} in {rows} are not ISO 8601 dates "
                      f"(YYYY-MM-DD); {hint}.", col, df.loc[bad, "_row"].nunique())
    return parsed


def numbers(df: pd.DataFrame, col: str, where: str, decimal: str, table: str, log: QualityLog,
             nonneg: bool = False) -> pd.Series:
    v = to_number(df[col], decimal) if df[col].dtype != bool else df[col].astype(float)
    bad = (v.isna() & df[col].notna()) | np.isinf(v) | ((v < 0) if nonneg else False)
    if bad.any():
        want = "non-negative numbers" if nonneg else "numbers"
        log.error(table, "out_of_range", f"{where}: values {list(pd.unique(df.loc[bad, col].astype(str))[:3])} in "
                  f"{rows_text(df.loc[bad, '_row'])} are not {want} (decimal separator {decimal!r}).",
                  col, df.loc[bad, "_row"].nunique())
        v[bad] = np.nan
    return v


def apply_duplicates(df: pd.DataFrame, tspec: Mapping, table: str, where: str, default_on: list[str],
                default_keep: str, latest_by: str | None, cols: Mapping[str, str], log: QualityLog) -> pd.DataFrame:
    """Report duplicated keys, then keep all, refuse, or keep the first/last/latest as declared."""
    d = tspec.get("duplicates") or {}
    _check_duplicates_spec(d, where)
    d = {k: v for k, v in d.items() if k != "drop"}
    on = d.get("on", default_on)
    on = [on] if isinstance(on, str) else list(on)
    keep = d.get("keep", default_keep)
    allowed = DUPLICATE_POLICIES if table == "responses" else tuple(p for p in DUPLICATE_POLICIES if p != "all")
    if keep not in allowed:  # customers are joined to answers, so they must be one row each
        raise SpecError(f"{where}: `duplicates.keep` must be one of {allowed} for {table}; got {keep!r}.")
    check_columns(df.drop(columns="_row", errors="ignore"), on, argument="duplicates.on", source=where,
                  error=SpecError)
    # One 64-bit hash per row first: equal keys hash equal, so no repeated hash means no repeated key,
    # without pandas' per-column factorising (a hash table of every id: the peak of a large load).
    hashed = pd.util.hash_pandas_object(df[on], index=False)
    surplus = int(df.duplicated(on, keep="first").sum()) if hashed.duplicated().any() else 0
    del hashed
    log.stat(table, "duplicates", surplus)
    if not surplus:  # the usual case: one hashing pass, no second one for the (unneeded) keep=False mask
        return df
    dup = df.duplicated(on, keep=False)
    examples = df.loc[dup, on].drop_duplicates().head(3).astype(str).agg(" / ".join, axis=1).tolist()
    msg = (f"{where}: keys {examples} appear more than once ({rows_text(df.loc[dup, '_row'])}), "
           f"{surplus:,} surplus row(s)")
    if keep == "error":
        # Advise `drop: exact` only when it would remove them: every surplus row is a full copy in the file.
        same = (log.stats.get(table, {}).get("exact_duplicates", 0) >= surplus
                and df.loc[dup].drop(columns="_row", errors="ignore").astype("string").duplicated(keep=False).all())
        advice = ("They are exact copies: declare `duplicates: {drop: exact}` to drop them." if same else
                  "Declare `duplicates: {keep: first}` (or last, latest) to keep one row per key.")
        log.error(table, "duplicates", msg + f"; expected one row per key. {advice}", on[0], surplus)
        return df
    if keep == "all":
        log.warn(table, "duplicates", msg + "; all kept (`duplicates.keep: all`).", on[0], surplus)
        return df
    if keep == "latest":
        if latest_by is None or latest_by not in df:
            raise SpecError(f"{where}: `duplicates.keep: latest` needs a mapped date column to order by.")
        df = df.sort_values([latest_by, "_row"], kind="stable", na_position="first")
    out = df.drop_duplicates(on, keep="first" if keep == "first" else "last").sort_values("_row", kind="stable")
    log.warn(table, "duplicates", msg + f"; kept the {keep} of each, dropped {surplus:,}.", on[0], surplus)
    return out


def _check_duplicates_spec(d: object, where: str) -> None:
    if not isinstance(d, Mapping) or set(d) - {"on", "keep", "drop"}:
        raise SpecError(f"{where}: `duplicates` takes `on` (canonical columns), `keep` "
                        f"(one of {DUPLICATE_POLICIES}) and `drop: exact`; got {d!r}.")
    if "drop" in d and d["drop"] != "exact":
        raise SpecError(f"{where}: `duplicates.drop` must be 'exact' (drop rows that repeat an earlier row "
                        f"in every column); got {d['drop']!r}.")


def exact_duplicates(raw: pd.DataFrame, tspec: Mapping, src: str, table: str, log: QualityLog) -> pd.DataFrame:
    """Count rows that repeat an earlier row in every column, show the first ones, drop them if declared.

    Works with or without ids: an export without ids that holds the same answer twice is found too.
    """
    d = tspec.get("duplicates") or {}
    _check_duplicates_spec(d, f"{src}, duplicates")
    cols = [c for c in raw.columns if c != "_row"]
    dup = raw.duplicated(cols, keep="first").to_numpy(bool)
    n = int(dup.sum())
    log.stat(table, "exact_duplicates", n)
    if not n:
        return raw
    first_of = raw[cols].astype("string").fillna("\x00").agg("\x1f".join, axis=1)
    origin_row = dict(zip(first_of[~dup][::-1], raw.loc[~dup, "_row"][::-1], strict=True))
    pairs = [f"row {r} = row {origin_row[k]}" for r, k in zip(raw.loc[dup, "_row"][:3], first_of[dup][:3],
                                                                    strict=False)]
    msg = (f"{src}: {n:,} row(s) are exact copies of an earlier row (every column the same), e.g. "
           f"{', '.join(pairs)}; all copies: {rows_text(raw.loc[dup, '_row'])}")
    if d.get("drop") == "exact":
        log.warn(table, "exact_duplicates", msg + f"; dropped {n:,} as declared (`duplicates: {{drop: exact}}`).",
                 None, n)
        return raw[~dup].reset_index(drop=True)
    log.warn(table, "exact_duplicates", msg + "; all kept, so they count twice. If they are the same record "
             "exported more than once, declare `duplicates: {drop: exact}` in the spec to drop them.", None, n)
    return raw


def all_missing(df: pd.DataFrame, cols: Mapping[str, str], src: str, origin: Mapping[str, str], table: str,
                 log: QualityLog) -> None:
    for c in cols:
        # An all-empty end date is legitimate (nobody churned); any other empty column is a mapping error.
        if c != "end_date" and df[c].isna().all():
            log.error(table, "missing", f"{col_where(src, origin, cols, c)}: every value is missing.", c, len(df))


def missing_stats(df: pd.DataFrame, table: str, log: QualityLog) -> None:
    log.stat(table, "missing", {c: int(df[c].isna().sum()) for c in df.columns
                                if c != "_row" and df[c].isna().any()})


def recode_groups(df: pd.DataFrame, tspec: Mapping, groups: Sequence[str], where: str, table: str,
                  log: QualityLog) -> pd.DataFrame:
    """Apply ``recode: {column: {map: {old label: new label}}}`` to group columns (merge synonyms).

    ``null`` as the new label means missing. Labels match after trimming spaces, exactly otherwise
    (``Phone`` and ``phone`` are different labels unless both are mapped).
    """
    recodes = tspec.get("recode") or {}
    if not isinstance(recodes, Mapping):
        raise SpecError(f"{where}: `recode` must map metric or group column names to entries.")
    for col in [c for c in recodes if c in groups]:
        spec = recodes[col]
        if not isinstance(spec, Mapping) or set(spec) != {"map"} or not isinstance(spec["map"], Mapping):
            raise SpecError(f"{where}, recode.{col}: a group column takes {{map: {{old label: new label}}}}; "
                            f"got {spec!r}.")
        table_map = {str(k).strip(): (None if v is None else str(v).strip()) for k, v in spec["map"].items()}
        text = df[col].astype("string").str.strip()
        hit = text.isin(list(table_map)).fillna(False).to_numpy(bool)
        new = text.copy()
        new[hit] = [table_map[t] for t in text[hit]]
        df[col] = new.astype("string")
        if hit.any():
            counts = text[hit].value_counts()
            shown = {k: "missing" if v is None else repr(v) for k, v in table_map.items()}
            log.note(table, f"{where}, recode.{col}: " + ", ".join(
                f"{k!r} -> {shown[k]} ({n:,}x)" for k, n in counts.items()))
    return df


def score_numbers(df: pd.DataFrame, tspec: Mapping, scales: Mapping[str, Scale], where: str, src: str,
                   score_col: Mapping[str, str], origin: Mapping[str, str], decimal: str,
                   log: QualityLog, not_applicable: Mapping[str, Sequence[float]] | None = None,
                   groups: Sequence[str] = ()) -> pd.Series:
    """Labels -> numbers -> recode -> not applicable -> range check, per metric.

    Every problem is logged, bad answers NaN. ``not_applicable`` (metric -> codes, from the
    scale's ``not_applicable``) are counted in the report and set to missing, never scored.
    ``groups`` are the group columns a ``recode`` may also name (see :func:`recode_groups`).
    """
    labels = tspec.get("labels") or {}
    if labels == "builtin":
        labels = {m: "builtin" for m in scales}
    recodes = tspec.get("recode") or {}
    for key, name in (("labels", labels), ("recode", recodes)):
        if not isinstance(name, Mapping):
            raise SpecError(f"{where}: `{key}` must map metric names to entries.")
        stray = set(name) - set(scales) - (set(groups) if key == "recode" else set())
        if stray:
            also = f" or group columns {sorted(groups)}" if key == "recode" and groups else ""
            raise SpecError(f"{where}: `{key}` names {sorted(stray)}, which are neither metrics with a scale"
                            f"{also}; declared metrics: {sorted(scales)}.")
    recodes = {k: v for k, v in recodes.items() if k in scales}
    not_applicable = not_applicable or {}
    na_counts: dict[str, int] = {}
    scores = pd.Series(np.nan, index=df.index)
    unknown_parts, out_of_range, n_unknown = [], 0, 0
    for metric, scale in scales.items():
        m = (df["metric"] == metric).to_numpy()
        if not m.any():
            continue
        col = score_col.get(metric, "score")
        cw = f"{origin.get(col, src)}, column {col!r}"
        raw = df.loc[m, "score"]
        rows = df.loc[m, "_row"]
        if metric in labels:
            nums, unknown = parse_labels(raw, scale, labels[metric], f"{where}, labels.{metric}")
            skipped = nums.isna() & ~unknown & raw.notna()
            if skipped.any():
                counts = raw[skipped].astype(str).value_counts()
                log.note("responses", f"{cw} (metric {metric!r}): non-answers read as missing: "
                         + ", ".join(f"{lab!r} ({n}x)" for lab, n in counts.items()))
            if unknown.any():
                counts = raw[unknown].astype(str).value_counts()
                listed = ", ".join(f"{lab!r} ({n}x)" for lab, n in counts.items())
                unknown_parts.append(f"{cw} (metric {metric!r}): {listed} in {rows_text(rows[unknown])}")
        else:
            nums = to_number(raw, decimal) if raw.dtype == object or pd.api.types.is_string_dtype(raw) \
                else pd.to_numeric(raw, errors="coerce").astype(float)
            unknown = nums.isna() & raw.notna()
            if unknown.any():
                ex = list(pd.unique(raw[unknown].astype(str))[:3])
                fits = parse_labels(raw[unknown], scale, "builtin")[1] if vocabulary(scale) else None
                hint = (f"they match the built-in vocabulary: declare `labels: {{{metric}: builtin}}`"
                        if fits is not None and not fits.any() else
                        f"map text labels to numbers with `labels: {{{metric}: ...}}` in the spec")
                unknown_parts.append(f"{cw} (metric {metric!r}): non-numeric answers {ex} in "
                                     f"{rows_text(rows[unknown])}; expected whole numbers "
                                     f"{scale.min}..{scale.max} ({scale.describe()}); {hint}"
                                     # only empty cells are missing by default (readers.missing_tokens)
                                     + (f"; or declare `missing_values: {ex}` if they mean no answer"
                                        if fits is None or fits.any() else ""))
        n_unknown += int(unknown.sum())
        if metric in recodes:
            nums = recode(nums, recodes[metric], f"{where}, recode.{metric}")
        arr = nums.to_numpy(dtype=float)
        if not_applicable.get(metric):
            na = np.isin(arr, np.asarray(not_applicable[metric], dtype=float))
            na_counts[metric] = int(na.sum())
            if na.any():
                log.note("responses", f"{cw} (metric {metric!r}): {int(na.sum()):,} answer(s) coded "
                         f"{[int(c) for c in not_applicable[metric]]} mean 'not applicable': counted here, never scored.")
            arr = np.where(na, np.nan, arr)
        ok = ~np.isnan(arr)
        bad = ok & ((arr != np.round(arr)) | (arr < scale.min) | (arr > scale.max))
        if bad.any():
            out_of_range += int(bad.sum())
            after = " after the declared recode" if metric in recodes else ""
            log.error("responses", "out_of_range",
                      f"{cw} (metric {metric!r}): answers {pd.unique(arr[bad])[:3].tolist()}{after} in "
                      f"{rows_text(rows[bad])} are not whole numbers in {scale.min}..{scale.max} "
                      f"({scale.describe()}).{range_hint(arr[ok], scale)}", col, int(bad.sum()))
            arr = np.where(bad, np.nan, arr)
        if not ok.any() and not unknown.any():
            log.error("responses", "missing", f"{cw}: every answer for {metric!r} is missing.", col, len(raw))
        scores[m] = arr
    if unknown_parts:
        log.error("responses", "unknown_labels", "answers not understood (all of them):\n  "
                  + "\n  ".join(unknown_parts), None, n_unknown)
    if na_counts:
        log.stat("responses", "not_applicable", na_counts)
    log.stat("responses", "out_of_range", out_of_range)
    log.stat("responses", "unknown_labels", n_unknown)
    return scores
