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
