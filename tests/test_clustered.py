"""Cluster-robust Wald tests (cxkit.stats.clustered) against R's sandwich + lmtest.

R 4.2.2, sandwich 3.0, lmtest 0.9 on the 16 rows below (7 customers):

    d <- data.frame(id  = c(1,1,1,2,2,3,3,3,4,4,5,5,6,6,6,7),
                    seg = c("a","a","a","b","b","c","c","c","a","a","b","b","c","c","c","a"),
                    ans = c(1,0,1,0,0,1,1,0,1,1,1,0,0,0,1,1),
                    val = c(10,12,9,30,28,5,6,7,11,13,25,27,4,8,6,20))
    f1 <- lm(val ~ ans, d); v1 <- vcovCL(f1, cluster = ~id, type = "HC1")
    f2 <- lm(ans ~ seg, d); v2 <- vcovCL(f2, cluster = ~id, type = "HC1")
    waldtest(f1, . ~ 1, vcov = v1, test = "Chisq")   # 1.001427827874, p 0.316965261794
    waldtest(f2, . ~ 1, vcov = v2, test = "Chisq")   # 7.152159468439, p 0.027985192885
    coef(f1)[2]; sqrt(v1[2, 2])                       # -4.904761904762, 4.901264072161
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxkit.errors import CxkitError
from cxkit.stats.clustered import cluster_wald

D = pd.DataFrame({
    "id": [1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 6, 6, 7],
    "seg": list("aaabbcccaabbccca"),
    "ans": [1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1],
    "val": [10, 12, 9, 30, 28, 5, 6, 7, 11, 13, 25, 27, 4, 8, 6, 20],
})


def test_difference_in_means_matches_r_vcovcl():
    r = cluster_wald(D["val"], D["ans"].astype(bool), D["id"])
    assert r.coef.iloc[0] == pytest.approx(-4.904761904762, abs=1e-9)
    assert r.se.iloc[0] == pytest.approx(4.901264072161, abs=1e-9)
    assert r.statistic == pytest.approx(1.001427827874, abs=1e-9)
    assert r.p_value == pytest.approx(0.316965261794, abs=1e-9)
    assert (r.df, r.clusters, r.n) == (1, 7, 16)


def test_joint_test_of_a_categorical_matches_r_waldtest():
    r = cluster_wald(D["ans"], D["seg"], D["id"])
    assert r.statistic == pytest.approx(7.152159468439, abs=1e-9)
    assert r.p_value == pytest.approx(0.027985192885, abs=1e-9)
    assert r.df == 2


def test_one_row_per_cluster_is_the_hc1_test_and_missing_rows_are_dropped():
    rng = np.random.default_rng(1)
    y = pd.Series(rng.normal(size=50)).where(rng.random(50) > 0.1)
    x = pd.Series(rng.random(50) < 0.5)
    r = cluster_wald(y, x, np.arange(50))
    assert r.n == int(y.notna().sum()) == r.clusters


def test_too_little_data_is_a_clear_error():
    with pytest.raises(CxkitError, match="two clusters"):
        cluster_wald(D["val"], D["ans"].astype(bool), np.ones(16))
