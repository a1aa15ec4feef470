"""Statistics checked against independent implementations (issue 15: "statistics a referee signs").

Every expected value below was printed by software cxkit does not use or did not write (R survival 3.5.3,
survey 4.1.1, Rocks' NPS package; see /work/refs/REFERENCES.md in the audit's reference bundle). The R call and
version is written next to each value; nothing here is recomputed by cxkit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cxkit as cx
from cxkit.stats.survival import kaplan_meier


# -- 1. Kaplan-Meier median when S(t) is exactly 0.5 -------------------------------------------------------------
# R 4.2.2, survival 3.5.3:
#   summary(survfit(Surv(time, event) ~ 1, data = sub))$table["median"]
# (quantile.survfit: where the curve is flat at exactly 0.5, the midpoint of the flat stretch;
#  tolerance sqrt(.Machine$double.eps)). No censoring.
KM_CASES = [
    ([1, 2, 3, 4], 2.5),                     # A4
    (list(range(1, 31)), 15.5),              # B30
    (list(np.repeat(np.arange(1, 11), 3)), 5.5),  # C30ties: rep(1:10, each = 3)
    ([1, 2, 2, 3, 4, 4], 2.5),               # D6ties (S(2) = 0.5000000000000001 in floating point)
    ([1, 2, 3, 4, 5], 3.0),                  # E5: S never equals 0.5, first time with S <= 0.5
]


@pytest.mark.parametrize(("times", "median"), KM_CASES)
def test_km_median_matches_r_survfit(times, median):
    d = pd.DataFrame({"time_days": np.asarray(times, float), "event": 1})
    km = kaplan_meier(d, times=(1,))
    assert km.groups["median"].iloc[0] == pytest.approx(median, abs=1e-12)


def test_km_median_flat_at_half_to_the_end_uses_last_time():
    # Worked by hand from R survival 3.5's quantile.survfit code (findq, "lastpt" branch: a flat at p that runs
    # to the end of the curve gives (t_i + last time)/2). Events at 1, 2, censored at 5 and 7:
    # S(1) = 3/4, S(2) = 3/4 * 2/3 = 1/2, flat to t = 7 -> (2 + 7) / 2 = 4.5.
    d = pd.DataFrame({"time_days": [1.0, 2.0, 5.0, 7.0], "event": [1, 1, 0, 0]})
    assert kaplan_meier(d, times=(1,)).groups["median"].iloc[0] == pytest.approx(4.5)
