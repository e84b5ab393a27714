"""Sign-up, sign-in, sign-out, session invalidation, API tokens, CSRF and password policy."""

from http.cookies import SimpleCookie

from tests import factories


def _session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_signup_creates_organisation_and_signs_in(client, session, world):
    response = client.post(
        "/api/auth/signup",
        json={
            "account_type": "msme",
            "organisation_name": "Shree Ganesh Engineering Works",
            "cluster": world["cluster_1"].slug,
            "full_name": "Ganesh Patra",
            "email": "Ganesh@Example.test",
            "password": "sintered magnets need boats",
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["email"] == "ganesh@example.test"
    assert body["kind"] == "msme"
    assert body["cluster_id"] == world["cluster_1"].id
    assert client.get("/api/auth/me").get_json()["email"] == "ganesh@example.test"


def test_signup_refuses_common_password_naming_the_field(client):
    response = client.post(
        "/api/auth/signup",
        json={
            "account_type": "anchor",
            "organisation_name": "Weak Magnets",
            "full_name": "A",
            "email": "weak@example.test",
            "password": "password1",
        },
    )
    assert response.status_code == 422
    assert "password" in response.get_json()["errors"]
    assert (
        client.post(
            "/api/auth/login", json={"email": "weak@example.test", "password": "password1"}
        ).status_code
        == 401
    )


def test_signup_accepts_long_passphrase(client):
    passphrase = "the anchor plant in Ganjam needs forty graphite boats every month " * 3
    response = client.post(
        "/api/auth/signup",
        json={
            "account_type": "anchor",
            "organisation_name": "Long Pass Magnets",
            "full_name": "B",
            "email": "long@example.test",
            "password": passphrase,
        },
    )
    assert response.status_code == 201


def test_wrong_password_is_refused_without_saying_which_part(client, world):
    response = client.post(
        "/api/auth/login", json={"email": world["anchor_x"].email, "password": "not-it-at-all"}
    )
    assert response.status_code == 401
    assert response.get_json()["message"] == "E-mail or password is not right."


def test_captured_session_cookie_stops_working_after_logout(app, make_client, world):
    client = make_client(world["anchor_x"])
    captured = _session_cookie(client)
    assert client.get("/api/auth/me").status_code == 200

    response = client.post("/api/auth/logout")
    assert response.status_code == 204, response.get_json()

    attacker = app.test_client()
    attacker.set_cookie("session", captured)
    assert attacker.get("/api/auth/me").status_code == 401
    page = attacker.get("/account")
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_password_change_ends_other_sessions_but_keeps_this_one(app, make_client, world):
    user = world["msme_a"]
    other_device = make_client(user)
    this_device = make_client(user)
    response = this_device.post(
        "/api/auth/password",
        json={"current_password": factories.PASSWORD, "new_password": "new graphite boat song"},
    )
    assert response.status_code == 204
    assert this_device.get("/api/auth/me").status_code == 200
    assert other_device.get("/api/auth/me").status_code == 401


def test_state_changing_call_without_csrf_token_is_refused(make_client, world):
    client = make_client(world["anchor_x"])
    client.csrf = False
    response = client.post("/api/tokens", json={"name": "erp"})
    assert response.status_code == 400
    assert "CSRF" in response.get_json()["message"]


def test_api_token_authenticates_without_cookie_and_can_be_revoked(app, make_client, world):
    owner = make_client(world["anchor_x"])
    created = owner.post("/api/tokens", json={"name": "ERP integration"})
    assert created.status_code == 201
    secret = created.get_json()["token"]
    token_id = created.get_json()["id"]

    integration = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    me = integration.get("/api/auth/me", headers=headers)
    assert me.status_code == 200 and me.get_json()["email"] == world["anchor_x"].email
    listed = owner.get("/api/tokens").get_json()
    assert [t["name"] for t in listed] == ["ERP integration"]
    assert "token" not in listed[0] and secret not in str(listed)

    assert owner.delete(f"/api/tokens/{token_id}").status_code == 204
    assert integration.get("/api/auth/me", headers=headers).status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(make_client, world):
    owner = make_client(world["anchor_x"])
    token_id = owner.post("/api/tokens", json={"name": "mine"}).get_json()["id"]
    other = make_client(world["anchor_y"])
    assert other.delete(f"/api/tokens/{token_id}").status_code == 404


def test_login_page_redirects_only_to_local_next(client, world):
    for target, expected in [
        ("/account", "/account"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
    ]:
        response = client.post(
            f"/login?next={target}",
            data={"email": world["anchor_x"].email, "password": factories.PASSWORD},
        )
        assert response.status_code == 302
        assert response.headers["Location"] == expected
        client.post("/logout")


def test_session_cookie_is_httponly_and_samesite_lax(client, world):
    response = client.post(
        "/api/auth/login", json={"email": world["anchor_x"].email, "password": factories.PASSWORD}
    )
    assert response.status_code == 200
    header = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    morsel = SimpleCookie(header)["session"]
    assert morsel["httponly"] and morsel["samesite"] == "Lax"


def test_token_use_is_recorded_but_not_rewritten_on_every_call(app, make_client, session, world):
    from suppliermatch.accounts.models import ApiToken

    owner = make_client(world["anchor_x"])
    created = owner.post("/api/tokens", json={"name": "ERP"}).get_json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    integration = app.test_client()
    assert integration.get("/api/auth/me", headers=headers).status_code == 200
    session.expire_all()
    first_use = session.get(ApiToken, created["id"]).last_used_at
    assert first_use is not None

    assert integration.get("/api/auth/me", headers=headers).status_code == 200
    session.expire_all()
    assert session.get(ApiToken, created["id"]).last_used_at == first_use


def test_a_refused_sign_in_is_audited_with_the_clients_address_and_the_next_request_has_none(
    client, session, world
):
    from sqlmodel import select

    from suppliermatch.audit.models import AuditEvent
    from suppliermatch.audit.service import client_address

    client.post(
        "/api/auth/login",
        json={"email": world["anchor_x"].email, "password": "not-it-at-all"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    refused = session.exec(
        select(AuditEvent).where(AuditEvent.action == "login_failed").order_by(AuditEvent.id.desc())
    ).first()
    assert refused.details == {"address": "203.0.113.7"}
    # The thread that answered forgets it: later audit rows outside a request carry none.
    assert client_address.get() is None
