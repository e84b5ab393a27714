"""Two-factor sign-in for coordinators and admins: TOTP codes (RFC 6238) and recovery codes
stored hashed; admins may require it for those roles."""

from datetime import timedelta

import pyotp
import pytest
from sqlmodel import select

from suppliermatch.accounts import two_factor
from suppliermatch.accounts.models import RecoveryCode, User
from suppliermatch.models_base import utcnow
from tests import factories

# RFC 6238 appendix B: the SHA-1 test key "12345678901234567890" (base32 here) gives these
# 8-digit codes; their last 6 digits are the codes of a 6-digit TOTP.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
RFC_VECTORS = {59: "94287082", 1111111109: "07081804", 1234567890: "89005924"}


@pytest.fixture
def coordinator(session):
    user = factories.make_user(session, kind="coordinator", cluster=factories.make_cluster(session))
    session.commit()
    return user


def enrolled(client, session, user) -> list[str]:
    """Turn two-factor sign-in on through the API; returns the recovery codes."""
    setup = client.post("/api/auth/two-factor/setup")
    assert setup.status_code == 201, setup.get_json()
    secret = setup.get_json()["secret"]
    assert setup.get_json()["otpauth_uri"].startswith("otpauth://totp/SupplierMatch:")
    confirmed = client.post("/api/auth/two-factor/confirm", json={"code": pyotp.TOTP(secret).now()})
    assert confirmed.status_code == 200, confirmed.get_json()
    return confirmed.get_json()["recovery_codes"]


def code_for(session, user, *, steps_ahead: int = 0) -> str:
    session.expire_all()
    secret = session.get(User, user.id).totp_secret
    return pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=30 * steps_ahead))


def test_pyotp_gives_the_rfc_6238_test_vectors():
    for moment, expected in RFC_VECTORS.items():
        assert pyotp.TOTP(RFC_SECRET, digits=8).at(moment) == expected


def test_with_it_on_the_password_alone_does_not_sign_in(session, make_client, coordinator):
    recovery = enrolled(make_client(coordinator), session, coordinator)
    assert len(recovery) == two_factor.RECOVERY_CODE_COUNT
    client = make_client()

    first = client.post(
        "/api/auth/login", json={"email": coordinator.email, "password": factories.PASSWORD}
    )

    assert first.status_code == 202 and first.get_json()["two_factor_required"] is True
    assert client.get("/api/auth/me").status_code == 401
    wrong = client.post("/api/auth/login/two-factor", json={"code": "000000"})
    assert wrong.status_code == 422 and "code" in wrong.get_json()["errors"]
    # The next time step's code: the one just used to turn it on may not be used again.
    second = client.post(
        "/api/auth/login/two-factor", json={"code": code_for(session, coordinator, steps_ahead=1)}
    )
    assert second.status_code == 200, second.get_json()
    assert client.get("/api/auth/me").get_json()["kind"] == "coordinator"


def test_a_code_is_accepted_once(session, make_client, coordinator):
    enrolled(make_client(coordinator), session, coordinator)
    code = code_for(session, coordinator, steps_ahead=1)
    for expected in (200, 422):
        client = make_client()
        client.post(
            "/api/auth/login", json={"email": coordinator.email, "password": factories.PASSWORD}
        )
        assert (
            client.post("/api/auth/login/two-factor", json={"code": code}).status_code == expected
        )


def test_a_recovery_code_signs_in_once_and_is_stored_hashed(session, make_client, coordinator):
    recovery = enrolled(make_client(coordinator), session, coordinator)
    stored = session.exec(select(RecoveryCode.code_hash)).all()
    assert all(h.startswith("$argon2id$") for h in stored)
    assert not {c.replace("-", "") for c in recovery} & set(stored)

    def sign_in_with(code):
        client = make_client()
        client.post(
            "/api/auth/login", json={"email": coordinator.email, "password": factories.PASSWORD}
        )
        return client.post("/api/auth/login/two-factor", json={"code": code}).status_code

    assert sign_in_with(recovery[0]) == 200
    assert sign_in_with(recovery[0]) == 422
    assert sign_in_with(recovery[1].upper()) == 200


def test_the_web_sign_in_asks_for_the_code(session, make_client, coordinator):
    enrolled(make_client(coordinator), session, coordinator)
    client = make_client()

    posted = client.post(
        "/login?next=/dashboard", data={"email": coordinator.email, "password": factories.PASSWORD}
    )

    assert posted.status_code == 302 and "/login/two-factor" in posted.headers["Location"]
    assert client.get("/account").status_code == 302  # not signed in yet
    done = client.post(
        "/login/two-factor?next=/dashboard",
        data={"code": code_for(session, coordinator, steps_ahead=1)},
    )
    assert done.status_code == 302 and done.headers["Location"] == "/dashboard"
    assert client.get("/account").status_code == 200


def test_no_code_step_without_the_password_first(client):
    response = client.post("/api/auth/login/two-factor", json={"code": "123456"})

    assert response.status_code == 401


def test_it_is_for_coordinators_and_admins(session, make_client):
    msme = factories.make_user(session, kind="msme")
    session.commit()

    assert make_client(msme).post("/api/auth/two-factor/setup").status_code == 403


def test_turning_it_off_needs_the_password(session, make_client, coordinator):
    client = make_client(coordinator)
    enrolled(client, session, coordinator)

    wrong = client.post("/api/auth/two-factor/disable", json={"password": "not it at all"})
    assert wrong.status_code == 422 and "password" in wrong.get_json()["errors"]
    assert (
        client.post(
            "/api/auth/two-factor/disable", json={"password": factories.PASSWORD}
        ).status_code
        == 204
    )
    session.expire_all()
    assert session.get(User, coordinator.id).totp_enabled_at is None
    assert session.exec(select(RecoveryCode)).all() == []


def test_when_an_admin_requires_it_a_coordinator_can_only_turn_it_on(
    session, make_client, coordinator
):
    admin = factories.make_user(session, kind="admin")
    session.commit()
    admin_client = make_client(admin)
    coordinator_client = make_client(coordinator)

    required = admin_client.put("/api/admin/security-policy", json={"two_factor_required": True})
    assert required.status_code == 200 and required.get_json()["two_factor_required"] is True

    refused = coordinator_client.get("/api/reports/dashboard")
    assert refused.status_code == 403 and "two-factor" in refused.get_json()["message"]
    page = coordinator_client.get("/dashboard")
    assert page.status_code == 302 and page.headers["Location"] == "/account/two-factor"
    assert admin_client.get("/api/admin/security-policy").status_code == 403  # the admin too
    msme = factories.make_user(session, kind="msme")
    session.commit()
    assert make_client(msme).get("/api/suppliers/me").status_code == 200  # not for MSMEs

    enrolled(coordinator_client, session, coordinator)
    assert coordinator_client.get("/api/reports/dashboard").status_code == 200
    off = coordinator_client.post(
        "/api/auth/two-factor/disable", json={"password": factories.PASSWORD}
    )
    assert off.status_code == 409


def test_the_policy_needs_a_boolean(session, make_client):
    admin = factories.make_user(session, kind="admin")
    session.commit()

    response = make_client(admin).put(
        "/api/admin/security-policy", json={"two_factor_required": "sometimes"}
    )

    assert response.status_code == 422 and "two_factor_required" in response.get_json()["errors"]


def test_the_pages_turn_it_on_and_show_the_recovery_codes_once(session, make_client, coordinator):
    client = make_client(coordinator)
    assert "Set up two-factor sign-in" in client.get("/account/two-factor").get_data(as_text=True)

    started = client.post("/account/two-factor/start").get_data(as_text=True)
    assert 'id="totp-secret"' in started and "otpauth://totp/" in started
    wrong = client.post("/account/two-factor/confirm", data={"code": "000000"})
    assert wrong.status_code == 422 and "This code is not right" in wrong.get_data(as_text=True)
    done = client.post("/account/two-factor/confirm", data={"code": code_for(session, coordinator)})

    assert done.status_code == 200
    shown = done.get_data(as_text=True)
    assert shown.count("<li><code>") == two_factor.RECOVERY_CODE_COUNT
    later = client.get("/account/two-factor").get_data(as_text=True)
    assert "<li><code>" not in later and "10 recovery codes left" in later
