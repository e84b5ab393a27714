"""The web layer's part of the audit: which client each request came from."""

from flask import Flask, request

from suppliermatch.audit.service import client_address


def init_request_origin(app: Flask) -> None:
    @app.before_request
    def remember_client_address() -> None:
        client_address.set(request.remote_addr)

    @app.teardown_request
    def forget_client_address(_error: BaseException | None) -> None:
        # gunicorn's threads answer one request after another: none inherits the last one's.
        client_address.set(None)
