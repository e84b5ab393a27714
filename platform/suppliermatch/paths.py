"""Where the project's non-code folders live, relative to this package.

The package sits at <repo>/platform/suppliermatch, so the repository root is two levels up.
"""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = REPO_ROOT / "templates"
# Message catalogues (.po committed; .mo compiled by `make install`): see suppliermatch.i18n.
TRANSLATIONS_DIR = REPO_ROOT / "translations"
MIGRATIONS_DIR = REPO_ROOT / "migrations"
SEEDS_DIR = Path(os.environ.get("SUPPLIERMATCH_SEEDS_DIR", REPO_ROOT / "seeds"))
DEFAULT_INSTANCE_DIR = REPO_ROOT / "instance"
# The graded matching benchmark lives beside the repository, in ../shared (CI lays it there).
MATCHING_BENCH_DIR = Path(
    os.environ.get("SUPPLIERMATCH_BENCH_DIR", REPO_ROOT.parent / "shared" / "bench" / "matching")
)
# Real applicant names with their true identities (duplicate detection's real-data set).
PATSTAT_BENCH_DIR = REPO_ROOT.parent / "shared" / "bench" / "dedup" / "patstat"
