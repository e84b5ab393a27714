"""Build the in-memory indexes (matching, search) in gunicorn's master, before workers fork.

A worker started later (a crash, a kill, ``--max-requests``) is forked from the master
and starts with the index already in memory (copy-on-write), brought up to date by its
first look at what changed; without this it read every supplier again while its
requests got 503 (the soak saw 100 s of that at 100,000 suppliers on 2 busy cores).

The master loads the indexes from their snapshots when it can (``index_snapshots``:
seconds at 100,000 suppliers) and builds them from the database for a small database.
A large one with no snapshot (a first start, or new code) is not built in the master:
its listening socket is open while ``when_ready`` runs, so every request would wait
minutes. The workers start at once and build in the background instead, answering
rankings with 503 and Retry-After meanwhile; ``flask indexes build`` before starting
the server (a deploy step, like the migrations) writes the snapshots so that this never
happens.
"""

import gc
import time

from flask import Flask

from suppliermatch.extensions import db
from suppliermatch.matching.cache import IndexNotReady, rankable_count
from suppliermatch.matching.cache import cache_for as matching_cache_for
from suppliermatch.suppliers.search.cache import cache_for as search_cache_for


def warm_before_fork(app: Flask) -> str:
    """Build the matching and search indexes of ``app``'s database, then close every
    pooled connection (a connection must not be shared by the processes forked after
    this). Returns what was done, for the server's log."""
    if not app.config["WARM_INDEXES_AT_START"]:
        return "indexes are built by the first request (WARM_INDEXES_AT_START is off)"
    began = time.perf_counter()
    with app.app_context():
        matching = matching_cache_for(db.session)
        if not matching.starts_quickly(db.session):
            suppliers = rankable_count(db.session)
            db.session.rollback()
            db.engine.dispose()
            return (
                f"indexes not built before the workers start: {suppliers:,} suppliers and no "
                "index snapshot; each worker builds in the background and answers rankings "
                "with 503 until it is done (run `flask indexes build` before starting to "
                "avoid this)"
            )
        try:
            matching.fresh_index(db.session)
        except IndexNotReady:  # large: built in a thread, which a fork would not copy
            matching.wait_for_build()
        matching_done = time.perf_counter()
        search = search_cache_for(db.session)
        with search.lock:
            search.fresh_index(db.session)
        search.wait_for_build()
        db.session.rollback()
        ranked = len(matching.index) if matching.index is not None else 0
        searchable = len(search.index) if search.index is not None else 0
        db.engine.dispose()
    # What the master holds now (the indexes above all) goes to the collector's permanent
    # generation: a worker's collections then never write to those objects' headers, so
    # their pages stay shared with the master instead of being copied into every worker
    # (the use Python's documentation gives for gc.freeze before fork).
    gc.freeze()
    finished = time.perf_counter()
    return (
        f"indexes ready: matching {ranked:,} suppliers {_origin(matching)} in "
        f"{matching_done - began:.1f} s, search {searchable:,} suppliers {_origin(search)} in "
        f"{finished - matching_done:.1f} s"
    )


def _origin(cache) -> str:
    return "from its snapshot" if cache.from_snapshot else "from the database"
