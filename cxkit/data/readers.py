"""Reading source files (CSV, Excel, Parquet, SPSS, DuckDB queries) into DataFrames.

Each reader returns the raw table plus a ``_row`` column: the 1-based data
row in the source (1 = first row after the header), used in every error
message so analysts can find the row in their own file. What the reader
decided on its own (a sniffed delimiter, a fallback encoding) is recorded in
``df.attrs["notes"]`` so the data-quality report can show it; CSV files keep
their text as text, and ``df.attrs["decimal"]`` says how to read numbers.
"""

from __future__ import annotations

import contextlib
import csv
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError, SpecError

__all__ = ["read_table", "read_query", "to_number", "missing_tokens", "missing_values", "FORMATS", "ENCODINGS"]

FORMATS = ("csv", "parquet", "excel", "spss")
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le", "utf-16-be")
_SUFFIX = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet",
           ".xlsx": "excel", ".xlsm": "excel", ".xls": "excel", ".sav": "spss", ".zsav": "spss"}
_DELIMITERS = ",;\t|"
_COMMA_DECIMAL = re.compile(r"^-?\d{1,3}(\.\d{3})*,\d+$|^-?\d+,\d+$")
_DOT_DECIMAL = re.compile(r"^-?\d+\.\d+$")
_COMMA_OR_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+$")  # 1,234 and 12,345,678: either reading fits


def missing_tokens(options: Mapping[str, Any]) -> list[str]:
    """Cell values read as missing: empty cells and the table's declared ``missing_values`` only.

    The one place that decides it for every format. pandas' defaults (``NA``, ``None``,
    ``null``, ``n/a``...) are not used: ``NA`` is North America and ``None`` a valid label in
    real exports, and a group silently vanishing is worse than a declared token.
    """
    declared = missing_values(options)
    if isinstance(declared, str) or not all(isinstance(t, str | int | float) and not isinstance(t, bool)
                                             for t in declared):
        raise SpecError(f"`missing_values` must be a list of texts (e.g. ['n/a', '-']); got {declared!r}.")
    return ["", *(str(t) for t in declared)]


def missing_values(options: Mapping[str, Any]) -> list:
    """The table's declared missing tokens: ``missing_values`` (``missing`` is accepted as its alias)."""
    return options.get("missing_values", options.get("missing")) or []


def _declared_missing(df: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    """Formats with real nulls (Parquet, Excel, SPSS, DuckDB): declared tokens become missing too."""
    tokens = set(missing_tokens(options)) - {""}
    if not tokens:
        return df
    text = [c for c in df.columns if pd.api.types.is_object_dtype(df[c]) or pd.api.types.is_string_dtype(df[c])]
    for c in text:
        df[c] = df[c].mask(df[c].astype("string").str.strip().isin(tokens))
    return df


def _format_of(path: Path, declared: str | None) -> str:
    if declared:
        if declared not in FORMATS:
            raise SpecError(f"{path}: `format` must be one of {FORMATS}; got {declared!r}.")
        return declared
    suffix = path.suffix.lower()
    if suffix not in _SUFFIX:
        raise SpecError(f"{path}: cannot tell the format from the suffix {suffix!r}; "
                        f"declare `format` as one of {FORMATS}.")
    return _SUFFIX[suffix]


# File signatures of formats that are sometimes saved (or renamed) with a .csv suffix.
_MAGIC = ((b"PK\x03\x04", "a zip archive (an .xlsx workbook or a zipped export)"),
          (b"\x1f\x8b", "a gzip-compressed file"), (b"PAR1", "a Parquet file"),
          (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) workbook"), (b"$FL2", "an SPSS .sav file"),
          (b"$FL3", "an SPSS .zsav file"))


def _check_magic(path: Path, head: bytes) -> None:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise DataError(f"{path}: is {what}, not CSV text (its first bytes are {head[:4]!r}); unpack or "
                            "re-export it as CSV, or name it with its real suffix (or declare `format`).")


def _decode(path: Path, declared: str | None, notes: list[str], header_row: int = 1) -> tuple[str, str]:
    """The file's text and the encoding used: declared, else by BOM (UTF-8, UTF-16), else UTF-8, else cp1252."""
    data = path.read_bytes()
    _check_magic(path, data[:8])

    def row_of(exc: UnicodeDecodeError, width: int = 1) -> str:
        # The data row (1 = first row after the header), as in every other message; a quoted
        # cell spanning lines would shift it, which is rare enough for a hint.
        newline = "\n".encode("utf-16-le" if width == 2 else "ascii")
        line = data[:exc.start].count(newline)
        row = line - (header_row - 1)
        return f"data row {row}" if row >= 1 else f"header (line {line + 1})"

    if declared:
        if declared.lower().replace("_", "-") not in ENCODINGS:
            raise SpecError(f"{path}: `encoding` must be one of {ENCODINGS}; got {declared!r}.")
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError as exc:
            width = 2 if declared.lower().startswith("utf-16") else 1
            raise DataError(f"{path}: cannot decode as {declared} ({exc.reason} at byte {exc.start}, "
                            f"{row_of(exc, width)}); declare the file's `encoding` (one of {ENCODINGS}).") from None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 byte-order mark (Excel "Unicode text", some BI tools)
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: starts with a UTF-16 byte-order mark but cannot be decoded as UTF-16 "
                            f"({exc.reason} at byte {exc.start}, {row_of(exc, 2)}); re-export the file as UTF-8.") from None
    if b"\x00" in data[:4096]:  # NUL bytes in a text export: UTF-16 without its byte-order mark
        raise DataError(f"{path}: holds NUL bytes, as UTF-16 text without a byte-order mark does; declare "
                        "`encoding: utf-16-le` (or utf-16-be) for this table, or re-export the file as UTF-8.")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # Windows exports (Excel "CSV", older SPSS) are cp1252; it decodes almost any byte, so say we used it.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: neither UTF-8 nor cp1252 ({exc.reason} at byte {exc.start}, "
                            f"{row_of(exc)}); re-export the file as UTF-8.") from None
        notes.append(f"{path.name}: not valid UTF-8, read as cp1252 (declare `encoding` to silence this)")
        return text, "cp1252"


def _sniff_delimiter(path: Path, text: str, notes: list[str]) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        delim = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        counts = {d: header.count(d) for d in _DELIMITERS}
        delim = max(counts, key=counts.get)
        if counts[delim] == 0:
            delim = ","
    if delim != ",":
        notes.append(f"{path.name}: delimiter sniffed as {delim!r}")
    return delim


def _sniff_decimal(path: Path, df: pd.DataFrame, delimiter: str, notes: list[str]) -> str:
    cells = df.head(500).drop(columns=["_row"], errors="ignore").stack().astype(str).str.strip()
    comma = cells.str.match(_COMMA_DECIMAL).sum()
    dot = cells.str.match(_DOT_DECIMAL).sum()
    if comma and not dot and delimiter != ",":
        # "1,234" is 1.234 in Dutch and 1234 in English: never guess when nothing else tells.
        if cells[cells.str.match(_COMMA_DECIMAL)].str.match(_COMMA_OR_THOUSANDS).all():
            examples = cells[cells.str.match(_COMMA_OR_THOUSANDS)].unique()[:3].tolist()
            raise SpecError(f"{path}: numbers such as {examples} can be read with ',' as the decimal separator "
                            "(1,234 = 1.234) or as the thousands separator (1,234 = 1234); declare `decimal: ','` "
                            "or `decimal: '.'` for this table in the spec.")
        notes.append(f"{path.name}: decimal separator sniffed as ','")
        return ","
    return "."


def _refuse_duplicate_headers(path: Path, head: str, delim: str, skip: int) -> None:
    """Refuse a header that names a column twice (``a ,a`` included) before pandas renames the repeat ``a.1``.

    Checked on the header itself, so that real columns called ``q`` and ``q.1`` are fine.
    """
    lines = head.lstrip("\ufeff").splitlines()[skip:]
    header = next(csv.reader(lines, delimiter=delim, skipinitialspace=True), [])
    names = pd.Index([h.strip() for h in header])
    if names.duplicated().any():
        raise DataError(f"{path}: column names {sorted(set(names[names.duplicated()]))} occur more than once "
                        "(surrounding spaces ignored); give every column a unique header.")


def _read_csv(path: Path, options: Mapping[str, Any], notes: list[str]) -> pd.DataFrame:

    skip = int(options.get("header_row", 1)) - 1
    text, encoding = _decode(path, options.get("encoding"), notes, skip + 1)
    if not text or text.isspace():  # (text.strip() would copy a file of millions of rows)
        raise DataError(f"{path}: the file is empty; expected a header row and data rows.")
    head = text[:1 << 16]
    head = head[:head.rfind("\n") + 1] or head  # whole lines only: enough to sniff, not a split of the file
    delim = options.get("delimiter") or _sniff_delimiter(path, head, notes)
    _refuse_duplicate_headers(path, head, delim, skip)
    del text  # pandas streams the (checked) file itself: the decoded copy would double the peak memory
    try:
        df = pd.read_csv(path, sep=delim, dtype=str, keep_default_na=False,
                         na_values=missing_tokens(options), encoding=encoding, skipinitialspace=True,
                         skiprows=skip)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: the file is empty; expected a header row and data rows.") from None
    except pd.errors.ParserError as exc:
        raise DataError(f"{path}: cannot be read as CSV with delimiter {delim!r}: {exc}; "
                        "declare `delimiter` in the spec.") from None
    df.columns = [str(c).lstrip("\ufeff").strip() for c in df.columns]
    decimal = options.get("decimal") or _sniff_decimal(path, df, delim, notes)
    if decimal not in (".", ","):
        raise SpecError(f"{path}: `decimal` must be '.' or ','; got {decimal!r}.")
    df.attrs.update(decimal=decimal, encoding=encoding, delimiter=delim)
    return df


def _read_spss(path: Path, options: Mapping[str, Any], notes: list[str]) -> pd.DataFrame:
    import pyreadstat

    use_labels = bool(options.get("use_value_labels", False))
    try:
        df, meta = pyreadstat.read_sav(str(path), apply_value_formats=use_labels,
                                       formats_as_category=False, user_missing=False)
    except pyreadstat.ReadstatError as exc:
        raise DataError(f"{path}: cannot be read as an SPSS .sav file: {exc}") from None
    labels = {c: {(int(k) if float(k).is_integer() else k): v for k, v in m.items()}
              for c, m in (meta.variable_value_labels or {}).items()}
    df.attrs["value_labels"] = labels
    if labels:
        how = "their labels" if use_labels else "their codes (set `use_value_labels: true` for the labels)"
        notes.append(f"{path.name}: {len(labels)} column(s) with SPSS value labels read as {how}")
    return df


def read_table(path: str | Path, options: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read one source file.

    Parameters
    ----------
    path : path
        The file.
    options : mapping, optional
        ``format`` (csv, parquet, excel, spss; default from the suffix). CSV:
        ``delimiter`` and ``decimal`` (sniffed when absent), ``encoding`` (utf-8,
        utf-8-sig or cp1252; UTF-8 then cp1252 when absent), ``header_row``.
        Excel: ``sheet`` (name or 0-based index) and ``header_row`` (1-based).
        SPSS: ``use_value_labels`` (default false: the codes).

    Returns
    -------
    DataFrame with the file's columns and ``_row``. CSV columns stay text so
    that validation sees exactly what the file says; ``attrs`` holds
    ``notes`` (decisions taken), ``decimal`` and, for SPSS, ``value_labels``.
    """
    path = Path(path)
    options = dict(options or {})
    if not path.exists():
        raise SpecError(f"{path}: file not found (resolved to {path.resolve()}).")
    if path.is_dir():
        raise SpecError(f"{path}: is a folder; expected a file.")
    fmt = _format_of(path, options.get("format"))
    notes: list[str] = []
    try:
        if fmt == "csv":
            df = _read_csv(path, options, notes)
        elif fmt == "parquet":
            df = pd.read_parquet(path)
        elif fmt == "spss":
            df = _read_spss(path, options, notes)
        else:
            header = int(options.get("header_row", 1)) - 1
            sheet = options.get("sheet", 0)
            try:
                df = pd.read_excel(path, sheet_name=sheet, header=header, keep_default_na=False,
                                   na_values=missing_tokens(options))
            except ValueError as exc:
                if "not found" in str(exc) or "out of range" in str(exc).lower():
                    sheets = pd.ExcelFile(path).sheet_names
                    raise SpecError(f"{path}: sheet {sheet!r} not found; the workbook has {sheets}.") from None
                raise
            # pandas renames a repeated header `a` to `a.1`: check the header row as written.
            raw = pd.read_excel(path, sheet_name=sheet, header=None, skiprows=header, nrows=1)
            names = pd.Index([str(c).strip() for c in raw.iloc[0] if pd.notna(c)] if len(raw) else [])
            if names.duplicated().any():
                raise DataError(f"{path}: column names {sorted(set(names[names.duplicated()]))} occur more "
                                f"than once on row {header + 1} of sheet {sheet!r}; give every column a unique header.")
            df.columns = [str(c).strip() for c in df.columns]
            unnamed = [c for c in df.columns if c.startswith("Unnamed:")]
            if unnamed and len(unnamed) == len(df.columns):
                raise DataError(f"{path}: no header found on row {header + 1} of sheet {sheet!r}; "
                                "declare `header_row` (1-based) in the spec.")
    except (DataError, SpecError):
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes one message naming the file
        raise DataError(f"{path}: cannot be read as {fmt}: {type(exc).__name__}: {exc}") from None
    if fmt != "csv":
        df = _declared_missing(df, options)
    if df.empty:
        raise DataError(f"{path}: has a header but no data rows.")
    same = pd.Index([str(c) for c in df.columns])
    if same.duplicated().any():  # `a ,a`: distinct until surrounding spaces are stripped
        raise DataError(f"{path}: column names {sorted(set(same[same.duplicated()]))} occur more than once once "
                        "surrounding spaces are removed; give every column a unique header.")
    if "_row" in df.columns:  # cxkit numbers the data rows in `_row`; a source column of that name would be lost
        raise DataError(f"{path}: has a column named `_row`, which cxkit uses for row numbers; rename it "
                        "in the file (or select the columns you need with a `query:`).")
    df = df.reset_index(drop=True)
    df["_row"] = range(1, len(df) + 1)
    df.attrs["notes"] = notes
    df.attrs.setdefault("decimal", ".")
    return df


_CWD_LOCK = threading.Lock()


def _only_select(query: str, where: str) -> None:
    """Refuse anything but one ``SELECT`` (``WITH ... SELECT`` included): a spec is read, never run as a script."""
    import duckdb

    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise DataError(f"{where}: DuckDB could not run it: {exc}") from None
    if len(statements) != 1:
        raise SpecError(f"{where}: must be exactly one SELECT statement; got {len(statements)} statements.")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise SpecError(f"{where}: only a SELECT statement is allowed in a dataset spec (no COPY, ATTACH, "
                        f"INSTALL, LOAD, SET, PRAGMA, CREATE or other writes); got {kind.name}.")


def read_query(query: str, base: Path, database: str | None = None, where: str = "",
               missing_values: list[str] | None = None) -> pd.DataFrame:
    """Run a DuckDB SQL ``query``; file paths inside it are relative to ``base``.

    ``database`` (a DuckDB file, relative to ``base``) is opened read-only;
    without it the query runs in memory (``read_csv``/``read_parquet`` on files).
    ``where`` (the spec location) starts every message.

    A spec is code-like, so the query is fenced in: one ``SELECT`` statement only; files
    only under the spec's folder (and the database's folder); no network, no extensions
    installed or loaded, and the settings locked before the query runs.

    Raises
    ------
    SpecError
        For anything but one SELECT, or a file outside the allowed folders.
    """
    import duckdb

    where = f"{where + ' ' if where else ''}query {query.strip()[:80]!r}"
    _only_select(query, where)
    folders = [base.resolve()]
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    if database:
        db = base / database
        if not db.exists():
            raise SpecError(f"{where}: database {db} not found (resolved to {db.resolve()}).")
        folders.append(db.resolve().parent)
        con = duckdb.connect(str(db), read_only=True, config=config)
    else:
        con = duckdb.connect(":memory:", config=config)
    try:
        def quoted(p: Path) -> str:
            return "'" + str(p).replace("'", "''") + "'"

        # A trailing "/" so that a sibling folder sharing the prefix (data2/ beside data/) is not allowed.
        allowed = ", ".join(quoted(f)[:-1] + "/'" for f in folders)
        con.execute(f"SET allowed_directories = [{allowed}]")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        # Paths in the query resolve against the spec's folder, like `file:` does. DuckDB checks a
        # relative path against the working directory (its `file_search_path` is not used by the
        # access check), so the query runs from the spec's folder; the lock keeps threads apart.
        with _CWD_LOCK, contextlib.chdir(folders[0]):
            df = con.execute(query).df()
    except duckdb.PermissionException as exc:
        raise SpecError(f"{where}: a spec's query may read files only under {', '.join(map(str, folders))} "
                        f"(no other folders, no network): {exc}") from None
    except duckdb.Error as exc:
        raise DataError(f"{where}: DuckDB could not run it: {exc}") from None
    finally:
        con.close()
    if df.empty:
        raise DataError(f"{where}: returned no rows.")
    df = _declared_missing(df.reset_index(drop=True), {"missing_values": missing_values or []})
    df["_row"] = range(1, len(df) + 1)
    df.attrs.update(notes=[], decimal=".")
    return df


_THOUSANDS_DOT = r"^-?\d{1,3}(\.\d{3})+(,\d*)?$"


def to_number(values: pd.Series, decimal: str = ".") -> pd.Series:
    """Numbers from text honouring the decimal separator (``"1.234,5"`` with ``","``); NaN where not a number.

    With ``decimal=","`` a dot is accepted only as a thousands separator
    (``1.234``); ``"1.5"`` is then not a number rather than silently 15.
    """
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return pd.to_numeric(values, errors="coerce")
    text = values.astype("string").str.strip()
    if decimal == ",":
        dotted = text.str.contains(".", regex=False).fillna(False)
        grouped = text.str.match(_THOUSANDS_DOT).fillna(False)
        text = text.where(~dotted | grouped, "not a number")
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype(float)
