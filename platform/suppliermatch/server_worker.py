"""gunicorn's threaded worker, answering requests gunicorn itself refuses as the app would.

A request gunicorn cannot read (a header over 8,190 bytes, more than 100 header fields, a
request line over 4,094 bytes, a malformed header) never reaches the app: gunicorn writes
its own text/html page. Clients of the API then met the one answer not in the API's error
shape. Here the refusal is handed to the app, which answers it through its own error
handlers (`request_gate.answer_transport_refusal`): the JSON shape for the API, the
friendly page for pages, the same security headers as every other answer.

gunicorn's limits themselves stay as they are: they bound the memory one request can take
before the app is involved.
"""

from gunicorn.http import errors as http_errors
from gunicorn.util import write_nonblock
from gunicorn.workers.gthread import ThreadWorker
from werkzeug import exceptions
from werkzeug.test import EnvironBuilder, run_wsgi_app

from suppliermatch.request_gate import TRANSPORT_REFUSAL

# gunicorn's own choice of status for each refusal (gunicorn.workers.base.Worker.handle_error);
# any other client error it names is a 400.
_STATUS_OF_REFUSAL: tuple[tuple[type[Exception], type[exceptions.HTTPException]], ...] = (
    (http_errors.LimitRequestLine, exceptions.RequestURITooLarge),
    (http_errors.LimitRequestHeaders, exceptions.RequestHeaderFieldsTooLarge),
    (http_errors.ForbiddenProxyRequest, exceptions.Forbidden),
    (http_errors.ExpectationFailed, exceptions.ExpectationFailed),
    (http_errors.UnsupportedTransferCoding, exceptions.NotImplemented),
)
_MESSAGES = {
    exceptions.RequestURITooLarge: "The request line (method and address) is too long.",
    exceptions.RequestHeaderFieldsTooLarge: (
        "The request's headers are too large (too many, or one too long): "
        "a cookie that has grown too big is the usual cause."
    ),
}


def refusal_for(error: Exception) -> exceptions.HTTPException | None:
    """The HTTP answer to a request gunicorn could not read; None for other failures."""
    if not isinstance(error, http_errors.ParseException) or isinstance(
        error, http_errors.ConfigurationProblem
    ):
        return None
    refusal = next(
        (answer for kind, answer in _STATUS_OF_REFUSAL if isinstance(error, kind)),
        exceptions.BadRequest,
    )
    return refusal(_MESSAGES.get(refusal, f"The request cannot be read: {error}."))


def refused_path(req, error: Exception) -> str:
    """The address asked for, when gunicorn read that far; else the API's, whose JSON shape
    every client reads. gunicorn refuses while reading the request line or the headers, so
    the address and Accept header are mostly unknown and the answer is JSON."""
    for candidate in (req, getattr(error, "req", None)):
        path = getattr(candidate, "path", None)
        if isinstance(path, str) and path.startswith("/"):
            return path
    return "/api"


class JsonRefusalThreadWorker(ThreadWorker):
    def handle_error(self, req, client, addr, exc):
        refusal = refusal_for(exc)
        if refusal is None:
            return super().handle_error(req, client, addr, exc)
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        environ = EnvironBuilder(path=refused_path(req, exc)).get_environ()
        environ[TRANSPORT_REFUSAL] = refusal
        try:
            body_parts, status, headers = run_wsgi_app(self.wsgi, environ, buffered=True)
            body = b"".join(body_parts)
            head = [f"HTTP/1.1 {status}", "Connection: close"]
            head += [f"{name}: {value}" for name, value in headers if name != "Content-Length"]
            head.append(f"Content-Length: {len(body)}")
            write_nonblock(client, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        except Exception:
            # The app could not answer: gunicorn's own page is still an answer.
            self.log.exception("the app could not answer a refused request")
            super().handle_error(req, client, addr, exc)
