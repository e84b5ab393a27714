"""Every API error has one JSON shape; pages get a friendly page; unknown fields are refused."""

from unittest import mock


def test_api_error_shape_for_unknown_route(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    body = response.get_json()
    assert set(body) >= {"code", "status", "message"} and body["code"] == 404


def test_unknown_json_field_is_rejected_by_name(client):
    response = client.post(
        "/api/auth/login", json={"email": "a@example.test", "password": "x", "role": "admin"}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"role": ["Unknown field."]}


def test_html_error_page_is_friendly_and_has_no_traceback(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "Back to the home page" in text and "Traceback" not in text


def test_unexpected_error_hides_details(app):
    from suppliermatch import create_app

    fresh = create_app({**app.config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @fresh.route("/__boom_for_test")
    def boom():
        raise RuntimeError("secret internals SELECT * FROM user")

    for accept in ("application/json", "text/html"):
        response = fresh.test_client().get("/__boom_for_test", headers={"Accept": accept})
        assert response.status_code == 500
        text = response.get_data(as_text=True)
        assert "secret internals" not in text and "Traceback" not in text


def test_home_and_openapi_are_served(client):
    assert "Supplier readiness" in client.get("/").get_data(as_text=True)
    spec = client.get("/api/openapi.json").get_json()
    assert spec["info"]["title"] == "SupplierMatch API"
    assert "/api/auth/login" in spec["paths"]


def test_a_session_close_that_fails_after_the_answer_keeps_the_answer(make_client, world, caplog):
    """PostgreSQL dropped the connection after the request's work: the ROLLBACK of closing
    the session fails. That once escaped as gunicorn's HTML 500; the answer must stand."""
    import sqlmodel
    from sqlalchemy.exc import OperationalError

    client = make_client(world["msme_a"])
    dropped = OperationalError("ROLLBACK", {}, Exception("server closed the connection"))
    with mock.patch.object(sqlmodel.Session, "close", side_effect=dropped):
        response = client.get("/api/notifications")
    assert response.status_code == 200
    assert response.is_json
    assert "closing the database session failed after the answer" in caplog.text
