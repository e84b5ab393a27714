"""Stored files sent to a browser: saved as attachments, never rendered as pages."""

from pathlib import Path

from flask import send_file

# A download is data, not a page: even if a browser tried to render it, it gets no scripts,
# no plugins and no same-origin powers.
DOWNLOAD_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox"


def send_attachment(path: Path, *, mimetype: str, download_name: str):
    response = send_file(
        path, mimetype=mimetype, as_attachment=True, download_name=download_name, max_age=0
    )
    response.headers["Content-Security-Policy"] = DOWNLOAD_CONTENT_SECURITY_POLICY
    return response
