"""The comments of a dataset as one table: from a ``free_text`` column or a comments-only spec.

A dataset spec declares its open-answer column under ``free_text`` (``data/README.md``); the
comment then rides along with its answer (same row: score, metric, date, customer). Comments
that come without any score (guest reviews, a feedback box) are described by a spec with only a
``comments`` table::

    tables:
      comments:
        file: reviews.csv
        columns: {comment_id: id, text: feedback, language: language}
        join: [{file: listings.csv, on: listing_id, columns: [room_type]}]
        extra: [room_type]
        free_text: [feedback]

Such a spec has no scores, so nothing is said about scores or churn: the study says so.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._checks import check_keys
from .._inputs import read_yaml, record_read, regular_file
from ..data.dataset import Dataset, load_dataset
from ..data.joins import apply_joins
from ..data.readers import read_table
from ..errors import DataError, ParameterError, SpecError

__all__ = ["Comments", "load_comments", "comments_only", "COMMENT_KEYS"]

COMMENT_KEYS = {"file", "format", "delimiter", "decimal", "encoding", "sheet", "header_row", "columns", "join",
                "extra", "free_text", "pii", "missing_values", "quotes"}
_CANON = ("comment_id", "customer_id", "text", "language")


@dataclass(frozen=True)
class Comments:
    """Comments as one table, with where they came from.

    Attributes
    ----------
    frame : DataFrame
        One row per non-empty comment: ``text``, ``language_told`` (empty when not told),
        and where available ``customer_id, answered_at, metric, score`` and group columns.
    dataset : Dataset or None
        The answers and customers the comments belong to (None: comments only, no scores).
    column : str
        The free-text column read.
    empty : int
        Rows whose comment was empty (left out).
    name : str
    """

    frame: pd.DataFrame
    dataset: Dataset | None
    column: str
    empty: int
    name: str
    groups: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_scores(self) -> bool:
        return "score" in self.frame.columns


def _from_dataset(ds: Dataset, text: str | None, language: str | None) -> Comments | None:
    resp = ds.responses
    candidates = [c for c in ds.free_text if c in resp.columns]
    col = text if text is not None else (candidates[0] if candidates else None)
    if col is None:
        return None
    if col not in resp.columns:
        raise ParameterError(f"`text` names column {col!r}, which dataset {ds.name!r} does not have in its "
                             f"answers; free-text columns declared: {list(ds.free_text) or 'none'}.")
    if "_row" in resp.columns and "metric" in resp.columns and resp.groupby("_row", sort=False)["metric"].size().max() > 1:
        # Wide layout with several metrics per row: the comment once per row (the first metric's answer).
        resp = resp.drop_duplicates("_row", keep="first")
    texts = resp[col].astype("string").str.strip()
    keep = texts.notna() & (texts != "")
    frame = resp[keep.to_numpy()].copy()
    frame["text"] = texts[keep].astype(object).to_numpy()
    told = language if language is not None else ("language" if "language" in frame.columns else None)
    frame["language_told"] = (frame[told].astype("string").fillna("").astype(object).to_numpy()
                              if told and told in frame.columns else "")
    groups = tuple(c for c in ("touchpoint", "channel") if c in frame.columns)
    return Comments(frame.drop(columns=[col]).reset_index(drop=True), ds, col, int((~keep).sum()), ds.name, groups)


def _read_comments_table(spec: Mapping, base: Path, src: str, language: str | None) -> Comments:
    t = spec["tables"]["comments"]
    where = f"{src}, tables.comments"
    if not isinstance(t, Mapping) or "file" not in t:
        raise SpecError(f"{where}: needs a `file`.")
    check_keys(t, COMMENT_KEYS, where)
    cols = dict(t.get("columns") or {})
    if "text" not in cols:
        raise SpecError(f"{where}: `columns.text` must name the comment column; got columns {cols}.")

    def read(entry: Mapping) -> tuple[pd.DataFrame, str]:
        path = Path(os.path.normpath(base / str(entry["file"])))
        if os.path.lexists(path):
            regular_file(path, f"{where}: data file", DataError)
        df = read_table(path, entry)
        record_read(path, table="comments", rows=len(df), how="file" if entry is t else "join")
        return df, str(path)

    raw, path = read(t)
    raw = raw.copy()
    raw["_row"] = range(2, len(raw) + 2)
    if t.get("join"):
        raw, _ = apply_joins(raw, t["join"], read, where, [])
    missing = [v for v in cols.values() if v not in raw.columns]
    if missing:
        raise DataError(f"{path}: columns {missing} named in {where}.columns are not in the file; it has "
                        f"{[c for c in raw.columns if c != '_row'][:20]}.")
    extra = t.get("extra") or []
    extra = {str(c): str(c) for c in extra} if isinstance(extra, list) else {str(k): str(v) for k, v in extra.items()}
    frame = pd.DataFrame({k: raw[v].to_numpy() for k, v in cols.items() if k in _CANON})
    for k, v in extra.items():
        if v not in raw.columns:
            raise DataError(f"{path}: extra column {v!r} is not in the file or its joins.")
        frame[k] = raw[v].to_numpy()
    frame["_row"] = raw["_row"].to_numpy()
    texts = frame["text"].astype("string").str.strip()
    keep = texts.notna() & (texts != "")
    frame = frame[keep.to_numpy()].copy()
    frame["text"] = texts[keep].astype(object).to_numpy()
    told = language if language is not None else ("language" if "language" in frame.columns else None)
    frame["language_told"] = (frame[told].astype("string").fillna("").astype(object).to_numpy()
                              if told and told in frame.columns else "")
    return Comments(frame.reset_index(drop=True), None, cols["text"], int((~keep).sum()),
                    str(spec.get("name", Path(src).stem)), tuple(extra))


def load_comments(source: str | Path | Mapping[str, Any] | Dataset, *, text: str | None = None,
                  language: str | None = None) -> Comments | None:
    """The comments of a dataset (its ``free_text`` column) or of a comments-only spec.

    Parameters
    ----------
    source : Dataset, spec path or mapping
    text : str, optional
        The comment column (default: the first declared ``free_text`` column of the answers).
    language : str, optional
        A column holding each comment's language (default: ``language`` when present);
        otherwise the language is detected.

    Returns
    -------
    Comments, or None when the dataset has no free-text column (nothing to analyse).
    """
    if isinstance(source, Dataset):
        return _from_dataset(source, text, language)
    if isinstance(source, Mapping):
        spec, base, src = dict(source), Path.cwd(), "spec"
    elif isinstance(source, str | Path):
        spec = read_yaml(Path(source), "dataset spec", SpecError)
        base, src = Path(source).parent, str(source)
    else:
        raise ParameterError(f"`source` must be a Dataset, a spec path or a mapping; got {type(source).__name__}.")
    tables = spec.get("tables") if isinstance(spec, Mapping) else None
    if isinstance(tables, Mapping) and "comments" in tables and "responses" not in tables:
        return _read_comments_table(spec, base, src, language)
    return _from_dataset(load_dataset(source), text, language)


def comments_only(spec: str | Path | Mapping[str, Any]) -> bool:
    """Whether ``spec`` describes comments without answers (a ``comments`` table and no ``responses``)."""
    if isinstance(spec, Dataset):
        return False
    data = spec if isinstance(spec, Mapping) else read_yaml(Path(spec), "dataset spec", SpecError)
    tables = data.get("tables") if isinstance(data, Mapping) else None
    return isinstance(tables, Mapping) and "comments" in tables and "responses" not in tables
