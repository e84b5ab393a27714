"""gunicorn settings, read from the working directory by every `gunicorn wsgi:app` here
(`make serve`, the browser tests' live server, the soak).

The app is loaded once in the master and its indexes are built there before the workers
fork (suppliermatch.warmup), so a restarted worker serves rankings at once.
"""

preload_app = True
# gunicorn's threaded worker, answering the requests gunicorn refuses (huge headers, a
# malformed request line) in the app's error shape instead of gunicorn's own HTML page.
worker_class = "suppliermatch.server_worker.JsonRefusalThreadWorker"
# Threaded workers keep an idle client connection this long. gunicorn's default (2 s) is
# shorter than the pause between two calls of a busy client: the server closed connections
# the client was just reusing (4 "connection reset" errors outside the fault window in
# a SQLite soak; none with 5 s).
keepalive = 5
# A master killed outright (kill -9, the OOM killer) leaves its workers holding the port
# until they finish their requests: with gunicorn's defaults the supervisor's new master
# was refused the port ("Connection in use") and service came back 31 s after the kill.
# With SO_REUSEPORT the new master binds at once beside them, and a short graceful timeout
# bounds how long the orphans (and connections the kernel still queues on their socket)
# linger. The same 5 s bounds a normal restart: longer work belongs in background jobs.
# Measured with bench/master_restart.py (docs/deploy.md).
reuse_port = True
graceful_timeout = 5


def when_ready(server):
    from suppliermatch.warmup import warm_before_fork

    app = server.app.wsgi()
    if (
        server.cfg.workers > 1
        and app.config["RATE_LIMITS_ENABLED"]
        and app.config["RATELIMIT_STORAGE_URI"].startswith("memory://")
    ):
        server.log.warning(
            "login and sign-up limits are counted by each of the %d workers alone "
            "(memory://): set SUPPLIERMATCH_RATELIMIT_STORAGE_URI=redis://... to share them",
            server.cfg.workers,
        )
    server.log.info("building indexes before the workers start")
    server.log.info(warm_before_fork(app))
