"""``flask indexes build``: write the matching and search index snapshots from the database.

A deploy step, like the migrations: run it after ``flask db upgrade`` and before starting
or reloading gunicorn, so that the master loads the snapshots in seconds instead of
reading every supplier (``suppliermatch.warmup``, ``suppliermatch.index_snapshots``).
"""

import sys
import time

import click

from suppliermatch import index_snapshots
from suppliermatch.extensions import db
from suppliermatch.matching.cache import MatchingCache, rankable_count
from suppliermatch.suppliers.search.cache import SearchCache, searchable_count


@click.group("indexes", help="The matching and search indexes' snapshots on disk.")
def indexes_cli():
    pass


@indexes_cli.command("build")
def build_command():
    """Build both indexes from every supplier and write their snapshots."""
    store = index_snapshots.store_for(db.session)
    if store is None:
        raise click.ClickException("INDEX_SNAPSHOT_DIR is empty: index snapshots are off")
    for label, cache, total in (
        ("Matching index", MatchingCache(), rankable_count(db.session)),
        ("Search index", SearchCache(), searchable_count(db.session)),
    ):
        began = time.perf_counter()
        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            held = cache.rebuild_snapshot(db.session, store, progress=bar.update)
        db.session.rollback()
        click.echo(f"{label}: {held:,} suppliers in {time.perf_counter() - began:.1f} s")
    click.echo(f"snapshots written to {store.folder}")
