"""Requests gunicorn itself refuses are answered in the app's shape, by the live server.

Sent over a raw socket, because an HTTP client library refuses to send most of them.
"""

import json
import socket
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.slow]


def send_raw(base_url: str, request_head: str) -> tuple[int, dict[str, str], bytes]:
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(request_head.encode("latin-1"))
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def get(path: str, *extra_headers: str) -> str:
    lines = [f"GET {path} HTTP/1.1", "Host: localhost", *extra_headers, "Connection: close"]
    return "\r\n".join(lines) + "\r\n\r\n"


def assert_json_error(headers: dict, body: bytes, status: int, words: str) -> dict:
    assert headers["content-type"].startswith("application/json")
    answer = json.loads(body)
    assert answer["code"] == status
    assert answer["errors"] == {}
    assert words in answer["message"]
    # Answered by the app, not by gunicorn: the app's security headers are on it.
    assert headers["x-content-type-options"] == "nosniff"
    assert int(headers["content-length"]) == len(body)
    return answer


def test_a_header_over_gunicorns_limit_gets_431_in_the_json_error_shape(live_server):
    status, headers, body = send_raw(
        live_server, get("/api/suppliers", "Cookie: session=" + "x" * 20_000)
    )
    assert status == 431
    answer = assert_json_error(headers, body, 431, "headers are too large")
    assert answer["status"] == "Request Header Fields Too Large"


def test_too_many_header_fields_get_431_in_the_json_error_shape(live_server):
    many = [f"X-Filler-{number}: {number}" for number in range(150)]
    status, headers, body = send_raw(live_server, get("/api/suppliers", *many))
    assert status == 431
    assert_json_error(headers, body, 431, "headers are too large")


def test_a_request_line_over_gunicorns_limit_gets_414_in_the_json_error_shape(live_server):
    status, headers, body = send_raw(live_server, get("/suppliers?q=" + "n" * 9_000))
    assert status == 414
    assert_json_error(headers, body, 414, "request line")


def test_a_malformed_header_gets_400_in_the_json_error_shape(live_server):
    # gunicorn stops before it knows the address or the Accept header, so nothing tells a
    # page from an API call: the answer is the shape every client reads.
    status, headers, body = send_raw(live_server, get("/suppliers", "Bad Header Name: x"))
    assert status == 400
    assert_json_error(headers, body, 400, "The request cannot be read")


def test_after_a_refusal_the_server_still_answers(live_server):
    send_raw(live_server, get("/api/suppliers", "Cookie: session=" + "x" * 20_000))
    status, _, _ = send_raw(live_server, get("/healthz"))
    assert status == 200
