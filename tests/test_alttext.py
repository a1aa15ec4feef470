"""Alt text for figures (cxkit.report.alttext)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from cxkit.report.alttext import figure_alt_text, install  # noqa: E402


def test_alt_text_reads_titles_labels_and_series():
    fig, (a, b) = plt.subplots(1, 2)
    fig.suptitle("Churn by NPS group")
    a.plot([1, 2], label="promoters")
    a.plot([2, 1], label="detractors")
    a.legend()
    a.set(title="Monthly churn", xlabel="month", ylabel="churn (%)")
    b.set_ylabel("answers")
    assert figure_alt_text(fig) == ("Chart: Churn by NPS group. Monthly churn: churn (%) against month; "
                                    "series promoters, detractors. answers.")
    plt.close(fig)
    empty = plt.figure()
    assert figure_alt_text(empty) == "Chart: untitled figure."
    plt.close(empty)


def test_install_is_a_no_op_outside_jupyter():
    assert install() is False


def test_alt_text_in_dutch_on_a_dutch_page():
    """A Dutch report's images do not start with the English "Chart:" (polish 3)."""
    fig, a = plt.subplots()
    a.plot([1, 2], label="promotors")
    a.legend()
    a.set(title="Churn per maand", xlabel="maand", ylabel="churn (%)")
    assert figure_alt_text(fig, "nl") == "Grafiek: Churn per maand: churn (%) tegen maand; reeksen promotors."
    plt.close(fig)
    empty = plt.figure()
    assert figure_alt_text(empty, "nl") == "Grafiek: figuur zonder titel."
    plt.close(empty)


def test_installed_formatter_takes_the_notebook_language():
    from types import SimpleNamespace

    from matplotlib.figure import Figure

    class Png:
        def __init__(self):
            self.types = {Figure: lambda fig: b"png"}

        def lookup_by_type(self, t):
            return self.types[t]

        def for_type(self, t, f):
            self.types[t] = f

    png = Png()
    shell = SimpleNamespace(display_formatter=SimpleNamespace(formatters={"image/png": png}), user_ns={"lang": "nl"})
    from cxkit.report.alttext import _wrap

    _wrap(shell)
    fig = plt.figure()
    assert png.types[Figure](fig)[1]["alt"] == "Grafiek: figuur zonder titel."
    shell.user_ns["lang"] = "en"
    assert png.types[Figure](fig)[1]["alt"] == "Chart: untitled figure."
    plt.close(fig)
