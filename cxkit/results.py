"""Shared behaviour of the research studies' result objects (text-first reprs)."""

from __future__ import annotations

import html


class StudyText:
    """Mixin for frozen study dataclasses with ``params`` and a ``describe(lang)`` method.

    Gives them the statsmodels-like ``summary()``, ``_repr_html_`` for notebooks and a
    one-line ``repr`` (never the underlying rows, which may hold customer ids).
    """

    @property
    def level(self) -> float:
        return float(self.params["level"])

    def describe(self, lang: str = "en") -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def summary(self) -> str:
        return self.describe()

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.describe()) + "</pre>"

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.summary().splitlines()[0][:200]}>"
