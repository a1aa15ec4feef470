"""The count-table bootstrap against independent computations.

``cxkit.stats.bootstrap`` draws each resampled statistic from its exact resampling
distribution (FFT convolution) instead of simulating histograms. These tests
check that distribution against scipy's binomial, against direct convolution,
and the intervals against simulated multinomial histograms (the textbook
method, ``Generator.multinomial``).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import cxkit.stats.bootstrap as boot


@pytest.mark.parametrize("n, p", [(1, 0.3), (7, 0.5), (250, 0.02), (4000, 0.61), (200_000, 0.4)])
def test_share_distribution_is_the_binomial(n, p):
    start, cdf = boot._sum_cdfs(np.array([[1 - p, p]]), np.array([n]), int(boot._next_pow2(np.array([n + 1]))[0]))
    x = start[0] + np.arange(cdf.shape[1])
    ok = x <= n
    np.testing.assert_allclose(cdf[0][ok], stats.binom.cdf(x[ok], n, p), atol=1e-10)  # FFT round-off summed over 2^18 points


@pytest.mark.parametrize("n", [1, 3, 40, 900])
def test_sum_distribution_is_the_repeated_convolution(n):
    q = np.array([0.05, 0.0, 0.25, 0.3, 0.4])  # a value nobody chose: periodic spectra must work too
    pmf = np.array([1.0])
    for _ in range(n):
        pmf = np.convolve(pmf, q)
    draws = boot._inverse_cdf(q[None, :], np.array([n]), np.arange(1, 6), np.array([[0.001, 0.025, 0.5, 0.975, 0.999]]))
    # inverse CDF: the smallest sum whose CDF exceeds u (sums of n values 1..5 start at n)
    expected = [n + np.searchsorted(np.cumsum(pmf), u, side="right") for u in (0.001, 0.025, 0.5, 0.975, 0.999)]
    np.testing.assert_array_equal(draws[0], expected)


def test_window_is_exact_for_large_groups():
    # A 5,000,000-answer NPS group: the window covers the distribution, so its mean and
    # sd equal the multinomial's.
    n, p = 5_000_000, np.array([0.3, 0.3, 0.4])
    c = np.array([-1, 0, 1])
    d = boot.resampled_sums(p[None], np.array([n]), c, n_boot=20000, rng=np.random.default_rng(0))[0]
    mean, var = n * (p @ c), n * (p @ c**2 - (p @ c) ** 2)
    assert d.mean() == pytest.approx(mean, abs=4 * np.sqrt(var / 20000))
    assert d.std() == pytest.approx(np.sqrt(var), rel=0.03)


def test_intervals_match_simulated_multinomial_histograms():
    rng = np.random.default_rng(11)
    p = rng.dirichlet(np.ones(7), 6)
    n = np.array([12, 35, 80, 300, 1500, 9000])
    values = np.arange(1, 8)
    good = (values >= 5).astype(int)
    (slo, shi), (mlo, mhi) = boot.multinomial_percentiles(p, n, [good, values], level=0.9, n_boot=40000, seed=2)
    hist = rng.multinomial(n, p, size=(40000, 6))
    for stat, lo, hi in [(hist @ good, slo, shi), (hist @ values, mlo, mhi)]:
        ref_lo, ref_hi = np.quantile(stat / n, [0.05, 0.95], axis=0)
        sd = (stat / n).std(axis=0)
        # Monte Carlo error of a 5% quantile from 40,000 draws is about 0.02 sd; plus lattice steps of 1/n.
        np.testing.assert_allclose(lo, ref_lo, atol=0.1 * sd.max() + 1 / n.min())
        np.testing.assert_allclose(hi, ref_hi, atol=0.1 * sd.max() + 1 / n.min())


def test_percentiles_are_numpy_quantiles_of_the_draws():
    rng = np.random.default_rng(4)
    p, n = rng.dirichlet(np.ones(5), 50), rng.integers(1, 3000, 50)
    lo, hi = boot.multinomial_percentiles(p, n, [np.arange(1, 6)], level=0.8, n_boot=333, seed=8)[0]
    stream = np.random.default_rng(np.random.SeedSequence(8).spawn(1)[0])
    draws = boot.resampled_sums(p, n, np.arange(1, 6), n_boot=333, rng=stream) / n[:, None]
    ref_lo, ref_hi = np.quantile(draws, [0.1, 0.9], axis=1)
    np.testing.assert_allclose(lo, ref_lo, atol=1e-12)
    np.testing.assert_allclose(hi, ref_hi, atol=1e-12)


def test_contributions_must_be_whole_numbers():
    with pytest.raises(boot.ParameterError, match="contributions"):
        boot.multinomial_percentiles(np.array([[0.5, 0.5]]), np.array([10]), [np.array([0.5, 1.0])],
                                     level=0.9, n_boot=100, seed=0)
