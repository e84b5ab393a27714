"""Build each process's in-memory indexes once, in gunicorn's master, before workers fork.

A worker started later (a crash, a kill, ``--max-requests``) is forked from the master
and starts with the index already in memory (copy-on-write), brought up to date by its
first look at what changed; without this it read every supplier again while its
requests got 503 (the soak saw 100 s of that at 100,000 suppliers on 2 busy cores).
"""

import time

from flask import Flask

from suppliermatch.extensions import db
from suppliermatch.matching.cache import IndexNotReady, cache_for


def warm_before_fork(app: Flask) -> str:
    """Build the matching index of ``app``'s database, then close every pooled connection
    (a connection must not be shared by the processes forked after this). Returns what
    was done, for the server's log."""
    if not app.config["WARM_INDEXES_AT_START"]:
        return "indexes are built by the first request (WARM_INDEXES_AT_START is off)"
    began = time.perf_counter()
    with app.app_context():
        cache = cache_for(db.session)
        try:
            cache.fresh_index(db.session)
        except IndexNotReady:  # large: built in a thread, which a fork would not copy
            cache.wait_for_build()
        db.session.rollback()
        suppliers = len(cache.index) if cache.index is not None else 0
        db.engine.dispose()
    return f"matching index ready: {suppliers:,} suppliers in {time.perf_counter() - began:.1f} s"
