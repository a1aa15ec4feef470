"""One BLAS thread for code that multiplies tall, narrow matrices (rows x a dozen columns).

OpenBLAS starts a thread per core for every matrix product. On the research studies'
matrices (tens of thousands of rows, about a dozen columns; Newton, IRLS and Cox steps)
the threads cost more than they save, and far more on a machine shared with other work,
where they wait for cores: one thread made ``churn_study`` on the bundled sample about
twice as fast under load, with every figure equal to 1e-12. ``threadpoolctl`` (the
library scikit-learn uses for this) sets the limit for the block and restores it after.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["one_blas_thread"]


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block with BLAS limited to one thread (no-op when threadpoolctl is missing)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # an optional speed-up: without it the figures are the same, only slower
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield
