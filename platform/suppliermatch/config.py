"""Configuration: safe defaults here, then the environment.

Plain ``DATABASE_URL`` and ``SECRET_KEY`` are read as most hosts set them; anything else
can be set as ``SUPPLIERMATCH_<NAME>`` (Flask's ``from_prefixed_env``, JSON-decoded).
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

# One gigabyte of upload is never legitimate here; per-feature caps are smaller.
MAX_REQUEST_BYTES = 20 * 1024 * 1024


def default_settings(instance_dir: Path) -> dict:
    return {
        "DATABASE_URL": f"sqlite:///{instance_dir / 'suppliermatch.db'}",
        "UPLOAD_DIR": str(instance_dir / "uploads"),
        "BACKUP_DIR": str(instance_dir / "backups"),
        "MAX_CONTENT_LENGTH": MAX_REQUEST_BYTES,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "PREFERRED_URL_SCHEME": "http",
        # flask-smorest / OpenAPI
        "API_TITLE": "SupplierMatch API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        # Swagger UI is vendored into static/ rather than loaded from a CDN.
        "OPENAPI_SWAGGER_UI_URL": "/api/docs/assets/",
        # CSRF is checked by our own before_request hook (bearer-token calls are exempt).
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": None,
        # Rate limits: memory is right for one process; several workers need Redis.
        "RATE_LIMITS_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Mail: nothing is sent unless a host is configured.
        "MAIL_HOST": None,
        "MAIL_PORT": 25,
        "MAIL_FROM": "noreply@suppliermatch.local",
        # Where links in e-mails point, e.g. https://suppliermatch.example. Password reset and
        # verification links are never built from the request's Host header, so without it
        # they are not sent (see notifications.immediate).
        "BASE_URL": None,
        "EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,
        # A requirement's drawings (PDF, DXF, STEP): a STEP model of a fixture runs to MBs.
        "DRAWING_MAX_BYTES": 15 * 1024 * 1024,
        "IMPORT_MAX_BYTES": 20 * 1024 * 1024,
        # gunicorn builds the matching index in its master before forking (warmup.py).
        "WARM_INDEXES_AT_START": True,
        # Index snapshots: a restart loads them and reads only what changed (index_snapshots).
        # Empty turns them off.
        "INDEX_SNAPSHOT_DIR": str(instance_dir / "index-snapshots"),
        # The job queue (jobs/queue.py): empty for a SQLite file in instance/ (one machine);
        # redis://... in production, where workers on several machines share it.
        "JOBS_QUEUE_URL": "",
        # Several deployments (or test runs) can share one Redis under different names.
        "JOBS_QUEUE_NAME": "suppliermatch",
        # Run each job as it is queued, in the caller's process (tests only).
        "JOBS_IMMEDIATE": False,
    }


def load_secret_key(instance_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/.

    Kept on disk so that every worker process and every restart signs cookies alike.
    """
    from_env = os.environ.get("SECRET_KEY") or os.environ.get("SUPPLIERMATCH_SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_dir / "secret_key"
    if not key_file.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
