"""Run small linear algebra on one BLAS thread.

Serving a recommendation or fitting a model over a dozen features multiplies tiny
matrices; a multi-threaded BLAS on a busy machine then spends 10–100× longer
synchronising its threads than computing (measured: a 100 × 64 product took 4 ms
on two threads under load and 0.15 ms on one). Big products (the EASE inverse)
keep every thread.
"""

from functools import cache, wraps

from threadpoolctl import ThreadpoolController


@cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def one_blas_thread(function):
    @wraps(function)
    def run(*args, **kwargs):
        with _controller().limit(limits=1, user_api="blas"):
            return function(*args, **kwargs)

    return run
