"""Getting data in: dataset specs and loading (dataset, readers, joins, labels, columns, quality), the
data-quality report (validate), personal data (privacy), the synthetic sample generator (synth) and the
bundled sample itself (``sample/``, package data).

May import only the top-level modules (errors, _checks, _dates, _results, _files, scales); never ``stats`` or
anything above.
"""
