"""Running reports: executing notebooks with papermill and rendering HTML (notebook), batches with locks,
staging and parameter grids (batch), and run manifests and the per-date index (manifest).

May import everything below it (top-level modules, ``data``, ``stats``, ``report``, ``research``); only the
CLI and ``cxkit/__init__`` import it.
"""
