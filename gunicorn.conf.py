"""gunicorn settings shared by `make serve`, the bench and the browser tests (bin/serve passes
the rest on its command line). gunicorn reads this file from the working directory."""
import gc


def pre_fork(server, worker):
    """Freeze the objects the master holds (with --preload: the whole app) just before forking.

    The Python docs recommend this for pre-fork servers (gc.freeze): frozen objects are left
    out of every later collection, so a worker's collector never writes to them and the pages
    the worker shares with the master stay shared instead of being copied into each worker.
    """
    gc.freeze()
