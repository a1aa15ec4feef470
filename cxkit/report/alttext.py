"""Alternative text for matplotlib figures shown in Jupyter.

Rendered reports are read by reviewers, some with screen readers, and nbconvert
warns about every image without alternative text. matplotlib and the inline
backend give figures none, so ``%load_ext cxkit`` (or :func:`install`) in a
Jupyter kernel wraps the kernel's PNG formatter for figures: the image is unchanged and its
display metadata gains an ``alt`` sentence made from the figure's titles, axis
labels and legend entries, which nbconvert writes into the ``<img>`` tag.
"""

from __future__ import annotations

from typing import Any

__all__ = ["figure_alt_text", "install"]


def _text(artist: Any) -> str:
    return artist.get_text().strip() if artist is not None else ""


def figure_alt_text(fig: Any, lang: str = "en") -> str:
    """One sentence per chart in ``fig``: title, y against x, series names, in ``lang`` (en/nl).

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set(title="NPS by month", xlabel="month", ylabel="NPS")
    >>> figure_alt_text(fig)
    'Chart: NPS by month: NPS against month.'
    >>> figure_alt_text(fig, "nl")
    'Grafiek: NPS by month: NPS tegen month.'
    """
    from .i18n import text as _t

    parts = []
    sup = _text(getattr(fig, "_suptitle", None))
    if sup:
        parts.append(sup)
    for ax in fig.axes:
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        title = ax.get_title() or ax.get_title("left") or ax.get_title("right")
        x, y = ax.get_xlabel(), ax.get_ylabel()
        piece = title
        if x or y:
            piece += (": " if piece else "") + (_t("alt_against", lang, y=y, x=x) if x and y else y or x)
        legend = ax.get_legend()
        series = [_text(t) for t in legend.get_texts()] if legend is not None else []
        if series:
            piece += "; " + _t("alt_series", lang, names=", ".join(s for s in series if s))
        if piece:
            parts.append(piece)
    text = _t("alt_chart", lang, body=". ".join(parts) if parts else _t("alt_untitled", lang))
    return " ".join(text.split())  # titles may span lines


def _wrap(shell: Any) -> None:
    """Wrap the PNG formatter for figures once the inline backend has registered one."""
    from matplotlib.figure import Figure

    from .i18n import LANGS

    png = shell.display_formatter.formatters.get("image/png")
    if png is None:
        return
    try:
        base = png.lookup_by_type(Figure)
    except KeyError:  # no inline backend (yet)
        return
    if getattr(base, "_cxkit_alt", False):
        return

    def with_alt(fig: Figure):
        data = base(fig)
        # the notebook's `lang` parameter (every cxkit report has one): a Dutch page gets Dutch alt text
        lang = shell.user_ns.get("lang", "en") if hasattr(shell, "user_ns") else "en"
        lang = lang if lang in LANGS else "en"
        return None if data is None else (data, {"alt": figure_alt_text(fig, lang)})

    with_alt._cxkit_alt = True
    png.for_type(Figure, with_alt)


def install(shell: Any = None) -> bool:
    """Add alt text to figures in the Jupyter kernel ``shell`` (default: the running one); False outside one.

    Called by ``%load_ext cxkit`` (:func:`cxkit.load_ipython_extension`); importing
    cxkit does not call it. Checked before every cell, because the inline backend
    may register its own formatter later (e.g. ``%load_ext cxkit`` before ``pyplot``).
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython comes with Jupyter
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    import matplotlib
    import matplotlib.pyplot as plt

    # pyplot loads its backend at the first figure; the inline backend registers its
    # formatter then, too late for that cell. Load it now: with no backend loaded yet
    # no pyplot figure exists, so switching closes nothing.
    if getattr(plt, "_backend_mod", None) is None:
        plt.switch_backend(matplotlib.get_backend())
    _wrap(shell)
    if not getattr(shell, "_cxkit_alt_hook", False):
        shell.events.register("pre_run_cell", lambda *args: _wrap(shell))
        shell._cxkit_alt_hook = True
    return True
