"""Writing output files: atomic writes, the output-folder check and the permissions new files get.

Importing this module changes no process state. The umask is needed so that
files written through a temporary file (created owner-only) end up with the
usual permissions; it is read on first use without calling :func:`os.umask`,
which can only read the mask by setting it and so would race with other
threads creating files meanwhile.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from .errors import OutputError

__all__ = ["atomic_write", "writable_folder", "umask", "default_mode"]

_lock = threading.Lock()
_umask: int | None = None


def _read_umask() -> int:
    """The process umask, from a probe file: a new file's mode is the requested mode less the umask."""
    folder = tempfile.gettempdir()
    for attempt in range(100):
        probe = os.path.join(folder, f".cxkit-umask-{os.getpid()}-{threading.get_ident()}-{attempt}")
        try:
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o777)
        except FileExistsError:
            continue
        try:
            return 0o777 & ~os.fstat(fd).st_mode
        finally:
            os.close(fd)
            os.unlink(probe)
    raise OutputError(f"cannot create a probe file in {folder} to read the umask.")


def umask() -> int:
    """The process umask, read once (on first use) and then cached."""
    global _umask
    with _lock:
        if _umask is None:
            _umask = _read_umask()
        return _umask


def default_mode(*, directory: bool = False) -> int:
    """Permissions a plain ``open`` (``0o666``) or ``mkdir`` (``0o777``) would give under the umask."""
    return (0o777 if directory else 0o666) & ~umask()


def writable_folder(folder: Path) -> Path:
    """Create ``folder`` if needed and check it can be written, or raise :class:`OutputError`."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {folder}: {exc.strerror}.") from None
    if not os.access(folder, os.W_OK):
        raise OutputError(f"output folder {folder} is not writable.")
    return folder


def atomic_write(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file and rename, so readers never see half a file.

    The file gets the usual permissions (``0o666`` less the umask), not the
    owner-only ones of the temporary file, so a web server can serve reports.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, default_mode())
        with os.fdopen(fd, mode, **({} if isinstance(data, bytes) else {"encoding": "utf-8"})) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
