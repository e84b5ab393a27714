"""Password reset and e-mail verification: one-time links that are e-mailed, stored only as
digests, expire, work once, give way to a newer link, and end the user's other sessions."""

import hashlib
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from suppliermatch import create_app
from suppliermatch.accounts import account_tokens
from suppliermatch.accounts.models import AccountToken, ApiToken, TokenPurpose, User
from suppliermatch.errors import ValidationFailed
from suppliermatch.extensions import db
from suppliermatch.models_base import utcnow
from suppliermatch.notifications.models import Notification
from suppliermatch.tables import metadata
from tests import factories
from tests.smtp import RecordingMailer

NEW_PASSWORD = "graphite boats sinter slowly"
BASE_URL = "https://suppliermatch.example"
RESET_LINK = re.compile(re.escape(BASE_URL) + r"/password-reset/([A-Za-z0-9_-]+)")
VERIFY_LINK = re.compile(re.escape(BASE_URL) + r"/verify-email/([A-Za-z0-9_-]+)")


@pytest.fixture
def mailer(app, monkeypatch):
    recorder = RecordingMailer()
    monkeypatch.setitem(app.config, "MAILER", recorder)
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)
    return recorder


@pytest.fixture
def user(session):
    user = factories.make_user(session, kind="msme", cluster=factories.make_cluster(session))
    session.commit()
    return user


def answered(response):
    """The e-mail goes once the response is sent: the server closes it, here the test."""
    response.close()
    return response


def ask_for_reset(client, email: str):
    return answered(client.post("/api/auth/password-reset", json={"email": email}))


def reset_token(client, mailer, user) -> str:
    assert ask_for_reset(client, user.email).status_code == 202
    return mailer.link(user.email, RESET_LINK)


def confirm(client, token: str, password: str = NEW_PASSWORD):
    return client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "new_password": password}
    )


def reloaded(session, user) -> User:
    session.expire_all()
    return session.get(User, user.id)


# -- asking for a reset ------------------------------------------------------------------------


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, session, mailer, user):
    known = ask_for_reset(client, user.email)
    unknown = ask_for_reset(client, "nobody-here@example.test")

    assert (known.status_code, known.get_json()) == (unknown.status_code, unknown.get_json())
    assert known.status_code == 202
    assert [m["To"] for m in mailer.messages] == [user.email]
    tokens = session.exec(select(AccountToken)).all()
    assert [t.user_id for t in tokens] == [user.id]


def test_only_a_digest_of_the_token_is_stored_and_the_outbox_never_sees_it(
    client, session, mailer, user
):
    token = reset_token(client, mailer, user)

    row = session.exec(select(AccountToken).where(AccountToken.user_id == user.id)).one()
    assert row.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert row.purpose == TokenPurpose.PASSWORD_RESET
    assert row.expires_at - row.created_at == timedelta(hours=1)
    bodies = session.exec(select(Notification.body)).all()
    assert not [b for b in bodies if token in b]


def test_the_address_is_checked_and_named(client, mailer):
    response = client.post("/api/auth/password-reset", json={"email": "not an address"})

    assert response.status_code == 422
    assert "email" in response.get_json()["errors"]
    assert mailer.messages == []


def test_without_base_url_no_link_is_sent_from_the_request_host(
    client, session, mailer, user, monkeypatch, app
):
    # The Host header is the client's to choose: a link built on it could carry the token
    # to an attacker's site ("reset poisoning").
    monkeypatch.setitem(app.config, "BASE_URL", None)

    response = answered(
        client.post(
            "/api/auth/password-reset",
            json={"email": user.email},
            headers={"Host": "evil.example"},
        )
    )

    assert response.status_code == 202
    assert mailer.messages == []


# -- setting the new password ------------------------------------------------------------------


def test_the_link_sets_a_new_password_once(client, make_client, session, mailer, user):
    token = reset_token(client, mailer, user)

    assert confirm(client, token).status_code == 204
    again = confirm(client, token, "another sintered passphrase")

    assert again.status_code == 422
    assert "token" in again.get_json()["errors"]
    make_client().login(user.email, NEW_PASSWORD)
    old = make_client().post(
        "/api/auth/login", json={"email": user.email, "password": factories.PASSWORD}
    )
    assert old.status_code == 401


def test_a_wrong_token_is_refused_naming_the_field_and_changes_nothing(
    client, session, mailer, user
):
    before = user.password_hash

    response = confirm(client, "not-the-token-we-sent")

    assert response.status_code == 422
    assert "token" in response.get_json()["errors"]
    assert reloaded(session, user).password_hash == before


def test_a_refused_password_names_the_field_and_leaves_the_link_usable(
    client, session, mailer, user
):
    token = reset_token(client, mailer, user)

    weak = confirm(client, token, "password")

    assert weak.status_code == 422
    assert list(weak.get_json()["errors"]) == ["new_password"]
    assert reloaded(session, user).password_hash == user.password_hash
    assert confirm(client, token).status_code == 204


def test_a_newer_request_replaces_the_earlier_link(client, mailer, user):
    first = reset_token(client, mailer, user)
    second = reset_token(client, mailer, user)

    assert confirm(client, first).status_code == 422
    assert confirm(client, second).status_code == 204


def test_the_link_expires_after_its_lifetime(session, user):
    issued = utcnow()
    lifetime = account_tokens.TOKEN_LIFETIMES[TokenPurpose.PASSWORD_RESET]
    late = account_tokens.issue(session, user, TokenPurpose.PASSWORD_RESET, now=issued)
    with pytest.raises(ValidationFailed) as expired:
        account_tokens.reset_password(
            session, token=late, new_password=NEW_PASSWORD, now=issued + lifetime
        )
    assert expired.value.field == "token"

    timely = account_tokens.issue(session, user, TokenPurpose.PASSWORD_RESET, now=issued)
    account_tokens.reset_password(
        session,
        token=timely,
        new_password=NEW_PASSWORD,
        now=issued + lifetime - timedelta(seconds=1),
    )


def test_a_verification_link_does_not_reset_a_password(session, user):
    token = account_tokens.issue(session, user, TokenPurpose.EMAIL_VERIFICATION)

    with pytest.raises(ValidationFailed):
        account_tokens.reset_password(session, token=token, new_password=NEW_PASSWORD)


def test_resetting_ends_every_session_and_revokes_api_tokens(
    client, make_client, session, mailer, user
):
    laptop, phone = make_client(user), make_client(user)
    secret = laptop.post("/api/tokens", json={"name": "erp"}).get_json()["token"]
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/auth/me", headers=bearer).status_code == 200

    assert confirm(client, reset_token(client, mailer, user)).status_code == 204

    assert laptop.get("/api/auth/me").status_code == 401
    assert phone.get("/api/auth/me").status_code == 401
    assert client.get("/api/auth/me", headers=bearer).status_code == 401
    revoked = session.exec(select(ApiToken.revoked_at).where(ApiToken.user_id == user.id)).all()
    assert revoked and None not in revoked


# -- e-mail verification -----------------------------------------------------------------------


def sign_up(client, email="owner@berhampur-graphite.example"):
    response = answered(
        client.post(
            "/api/auth/signup",
            json={
                "account_type": "msme",
                "organisation_name": "Berhampur Graphite Works",
                "full_name": "Sarojini Panda",
                "email": email,
                "password": factories.PASSWORD,
            },
        )
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_sign_up_sends_a_link_that_verifies_the_address(client, make_client, mailer):
    me = sign_up(client)
    assert me["email_verified"] is False
    other_browser = make_client()
    other_browser.login(me["email"])
    token = mailer.link(me["email"], VERIFY_LINK)

    verified = client.post("/api/auth/verify-email", json={"token": token})

    assert verified.status_code == 204
    assert client.get("/api/auth/me").get_json()["email_verified"] is True
    assert other_browser.get("/api/auth/me").status_code == 401
    again = client.post("/api/auth/verify-email", json={"token": token})
    assert again.status_code == 422 and "token" in again.get_json()["errors"]


def test_a_resent_link_replaces_the_first_and_a_verified_user_is_told(client, mailer):
    me = sign_up(client)
    first = mailer.link(me["email"], VERIFY_LINK)

    resent = answered(client.post("/api/auth/verify-email/resend"))

    assert resent.status_code == 202
    second = mailer.link(me["email"], VERIFY_LINK)
    assert second != first
    assert client.post("/api/auth/verify-email", json={"token": first}).status_code == 422
    assert client.post("/api/auth/verify-email", json={"token": second}).status_code == 204
    assert client.post("/api/auth/verify-email/resend").status_code == 409


def test_a_reset_link_proves_the_address_too(client, session, mailer):
    me = sign_up(client)
    user = session.get(User, me["id"])

    assert confirm(client, reset_token(client, mailer, user)).status_code == 204

    assert reloaded(session, user).email_verified_at is not None


def test_unverified_users_see_a_banner_with_a_resend_button(client, make_client, mailer, user):
    sign_up(client)

    page = client.get("/").get_data(as_text=True)

    assert "Please confirm your e-mail address" in page
    assert 'action="/account/verify-email"' in page
    assert "Please confirm" not in make_client(user).get("/").get_data(as_text=True)


# -- the pages ---------------------------------------------------------------------------------


def page_without_csrf_token(response) -> str:
    return re.sub(
        r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', response.get_data(as_text=True)
    )


def test_the_forgot_password_page_answers_alike_and_needs_csrf(client, mailer, user):
    assert "Forgot password?" in client.get("/login").get_data(as_text=True)
    assert client.get("/password-reset").status_code == 200

    known = answered(client.post("/password-reset", data={"email": user.email}))
    unknown = answered(client.post("/password-reset", data={"email": "nobody@example.test"}))

    assert known.status_code == unknown.status_code == 200
    assert "If an account has this address" in known.get_data(as_text=True)
    # The form's CSRF token is signed with the second it was made in: two answers a second
    # apart differ there whoever asked, so it is left out of the comparison.
    assert page_without_csrf_token(known).replace(user.email, "") == page_without_csrf_token(
        unknown
    ).replace("nobody@example.test", "")
    assert len(mailer.to(user.email)) == 1
    client.csrf = False
    assert client.post("/password-reset", data={"email": user.email}).status_code == 400


def test_the_reset_page_sets_the_password_and_sends_to_sign_in(client, make_client, mailer, user):
    token = reset_token(client, mailer, user)
    page = client.get(f"/password-reset/{token}")
    assert page.status_code == 200
    assert 'name="new_password"' in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"

    weak = client.post(f"/password-reset/{token}", data={"new_password": "password"})
    assert weak.status_code == 400
    assert 'class="field invalid"' in weak.get_data(as_text=True)

    done = client.post(f"/password-reset/{token}", data={"new_password": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    make_client().login(user.email, NEW_PASSWORD)
    spent = client.get(f"/password-reset/{token}").get_data(as_text=True)
    assert "This link is not valid" in spent and 'name="new_password"' not in spent


def test_the_reset_page_refuses_a_post_without_csrf(client, mailer, user):
    token = reset_token(client, mailer, user)
    client.csrf = False

    response = client.post(f"/password-reset/{token}", data={"new_password": NEW_PASSWORD})

    assert response.status_code == 400
    client.csrf = True
    assert confirm(client, token).status_code == 204


def test_the_verification_page_confirms_with_a_button(client, mailer):
    me = sign_up(client)
    token = mailer.link(me["email"], VERIFY_LINK)

    page = client.get(f"/verify-email/{token}")
    assert "Confirm my address" in page.get_data(as_text=True)
    # Opening the link (as a mail scanner does) does not spend it.
    assert client.get("/api/auth/me").get_json()["email_verified"] is False

    done = client.post(f"/verify-email/{token}", follow_redirects=True)

    assert done.status_code == 200
    assert "Your e-mail address is confirmed." in done.get_data(as_text=True)
    assert client.get("/api/auth/me").get_json()["email_verified"] is True
    assert "Please confirm" not in done.get_data(as_text=True)
    spent = client.post(f"/verify-email/{token}")
    assert spent.status_code == 400 and "This link is not valid" in spent.get_data(as_text=True)


def test_the_account_page_resends_the_link(client, mailer):
    me = sign_up(client)

    response = answered(client.post("/account/verify-email", follow_redirects=True))

    assert "A new link is on its way" in response.get_data(as_text=True)
    assert len(mailer.to(me["email"])) == 2


# -- rate limits -------------------------------------------------------------------------------


@pytest.fixture
def limited_app(app, new_database):
    """An app with rate limits on, over its own database (the suite's is held by the test)."""
    limited = create_app(
        {
            **app.config,
            "DATABASE_URL": new_database(),
            "RATE_LIMITS_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    limited.test_client_class = app.test_client_class
    with limited.app_context():
        metadata.create_all(db.engine)
    yield limited
    with limited.app_context():
        db.engine.dispose()


def test_reset_requests_are_limited_per_address_alike_for_unknown_ones(limited_app):
    client = limited_app.test_client()
    statuses = [
        client.post(
            "/api/auth/password-reset",
            json={"email": "target@example.test"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"},
        ).status_code
        for n in range(6)
    ]

    assert statuses == [202] * 5 + [429]


def test_the_reset_page_is_limited_too(limited_app):
    client = limited_app.test_client()
    statuses = [
        client.post("/password-reset", data={"email": "target@example.test"}).status_code
        for _ in range(6)
    ]

    assert statuses == [200] * 5 + [429]


def test_resending_the_verification_link_is_limited_per_user(limited_app):
    client = limited_app.test_client()
    sign_up(client)

    statuses = [client.post("/api/auth/verify-email/resend").status_code for _ in range(6)]

    assert statuses == [202] * 5 + [429]
