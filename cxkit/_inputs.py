"""Reading input files safely: the one place that checks a file's kind and reads YAML.

Used by the dataset spec reader (:mod:`cxkit.data`) and the batch reader
(:mod:`cxkit.run.batch`), so both refuse the same hostile inputs the same way:

* only regular files are opened: a FIFO would block forever, ``/dev/zero``
  never ends, a symlink loop or a folder is no data file;
* YAML files are size-limited, must be UTF-8, may not nest deeper than
  :data:`YAML_MAX_DEPTH`, may not repeat a key, and may not expand (through
  anchors and aliases) to more than :data:`YAML_MAX_NODES` values — a
  "billion laughs" file is a few hundred bytes that expands to 10⁹ strings.

PyYAML has no limits of its own for these (``safe_load`` only stops arbitrary
objects), hence this small layer on top of its ``SafeLoader``.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from .errors import CxkitError, SpecError

__all__ = ["regular_file", "read_yaml", "sha256_file", "record_read", "query_files", "READS_ENV",
           "YAML_MAX_BYTES", "YAML_MAX_DEPTH", "YAML_MAX_NODES"]

#: When set (by the report runner, for the notebook kernel), every data file a load reads is
#: appended to this JSON-lines file, so the run's manifest lists what was read, with the row
#: counts of the load itself instead of a second parse.
READS_ENV = "CXKIT_READS_LOG"

YAML_MAX_BYTES = 1 << 20  # a spec or batch file is a few kB; 1 MB is far beyond any real one
YAML_MAX_DEPTH = 64
YAML_MAX_NODES = 100_000


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def regular_file(path: str | Path, what: str, error: type[CxkitError] = SpecError) -> Path:
    """Return ``path`` if it is an existing regular file (symlinks followed); raise ``error`` otherwise.

    Checked with ``stat`` before anything opens the file, because opening a
    FIFO blocks until a writer appears and a device can be read forever.
    """
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise error(f"{what} {path}: file not found (resolved to {path.resolve()}).") from None
    except OSError as exc:
        why = "a symbolic link loop (a link that points back to itself)" if exc.errno == errno.ELOOP \
            else exc.strerror or type(exc).__name__
        raise error(f"{what} {path}: cannot be read: {why}.") from None
    if not stat.S_ISREG(st.st_mode):
        raise error(f"{what} {path}: is {_kind(st.st_mode)}, not a regular file; refusing to read it "
                    "(give the path of a data file).")
    return path


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and deep nesting (counted while composing, before recursing)."""

    _depth = 0

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        self._depth += 1
        try:
            if self._depth > YAML_MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.YAMLError(f"nested more than {YAML_MAX_DEPTH} levels deep (line {mark.line + 1})")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):  # noqa: ANN001
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue  # SafeLoader itself refuses unhashable keys with its own message
            if key in seen:
                raise yaml.YAMLError(f"key {key!r} appears twice (lines {seen[key]} and "
                                     f"{key_node.start_mark.line + 1}); each key may be given once")
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _expanded_size(data: Any) -> int:
    """Number of values ``data`` holds once aliases are expanded (shared objects counted per use)."""
    memo: dict[int, int] = {}
    active: set[int] = set()

    def size(obj: Any) -> int:
        if not isinstance(obj, dict | list):
            return 1
        key = id(obj)
        if key in memo:
            return memo[key]
        if key in active:
            raise yaml.YAMLError("an alias refers to a value that contains it (a recursive structure)")
        active.add(key)
        items = list(obj.keys()) + list(obj.values()) if isinstance(obj, dict) else obj
        n = 1
        for item in items:
            n += size(item)
            if n > YAML_MAX_NODES:
                break
        active.discard(key)
        memo[key] = n
        return n

    return size(data)


def read_yaml(path: str | Path, what: str, error: type[CxkitError] = SpecError) -> Any:
    """Parse a YAML file with the limits above; every problem becomes ``error`` naming ``what`` and ``path``.

    Parameters
    ----------
    path : path
        The file (must be a regular file of at most :data:`YAML_MAX_BYTES`, UTF-8).
    what : str
        How messages name the file, e.g. ``"dataset spec"`` or ``"batch file"``.
    error : CxkitError subclass
        The class raised.
    """
    path = regular_file(path, what, error)
    size = path.stat().st_size
    if size > YAML_MAX_BYTES:
        raise error(f"{what} {path}: {size:,} bytes; a {what} may be at most {YAML_MAX_BYTES:,} bytes.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise error(f"{what} {path}: not UTF-8 (byte 0x{raw[exc.start]:02x} on line {line}); "
                    "save the file as UTF-8 (it may be in Windows-1252 or Latin-1).") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
        n = _expanded_size(data)
    except RecursionError:
        raise error(f"{what} {path}: not valid YAML: nested too deeply.") from None
    except yaml.YAMLError as exc:
        raise error(f"{what} {path}: not valid YAML: {exc}") from None
    if n > YAML_MAX_NODES:
        raise error(f"{what} {path}: expands (through YAML anchors `&` and aliases `*`) to more than "
                    f"{YAML_MAX_NODES:,} values; refusing it (write the values out instead of nesting aliases).")
    return data


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in chunks (data files can be large)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def query_files(query: str, base: Path) -> list[Path]:
    """Existing regular files named by quoted literals in a SQL ``query`` (relative to ``base``)."""
    out = []
    for lit in re.findall(r"'((?:[^']|'')+)'", query):
        p = Path(lit.replace("''", "'"))
        p = p if p.is_absolute() else base / p
        try:
            if p.is_file():
                out.append(p)
        except OSError:
            continue
    return out


def record_read(path: str | Path, *, table: str | None, rows: int | None, how: str = "file") -> None:
    """Note a file a load read (when :data:`READS_ENV` names a log; otherwise do nothing).

    One JSON line per file: path, table, rows (as loaded), bytes, SHA-256 and
    ``how`` (``file``, ``join``, ``query`` or ``database``).
    """
    log = os.environ.get(READS_ENV)
    if not log:
        return
    path = Path(path).resolve()
    try:
        entry = {"path": str(path), "table": table, "rows": rows, "how": how,
                 "bytes": path.stat().st_size, "sha256": sha256_file(path)}
    except OSError as exc:
        entry = {"path": str(path), "table": table, "rows": rows, "how": how, "note": f"not hashed: {exc}"}
    with open(log, "a", encoding="utf-8") as fh:  # one short append per file: whole lines even with two loads
        fh.write(json.dumps(entry) + "\n")
