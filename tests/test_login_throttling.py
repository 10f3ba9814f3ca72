"""Admin login throttling (django-axes): a user name that fails too often from one address
is refused for a while, with a page in Japanese; others are not affected."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def attempt(client, username, password, address="192.0.2.10"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_wrong_passwords_lock_the_user_name_with_a_japanese_page(client, make_user):
    make_user("officer", username="tanaka")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "tanaka", "wrong")
        assert response.status_code == 200  # the login form again, with its error
    locked = attempt(client, "tanaka", "wrong")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "ログインを一時停止しています" in html
    assert f"パスワードを {settings.AXES_FAILURE_LIMIT} 回続けて間違えた" in html
    assert "30 分ほど待ってから" in html
    # Even the right password is refused while locked, and no session is opened.
    right = attempt(client, "tanaka", "pass-123-yume")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_user_or_address_can_still_sign_in(client, make_user):
    make_user("officer", username="tanaka")
    make_user("planner", username="suzuki")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "tanaka", "wrong")
    assert attempt(client, "suzuki", "pass-123-yume").status_code == 302
    client.logout()
    other_address = attempt(client, "tanaka", "pass-123-yume", address="198.51.100.7")
    assert other_address.status_code == 302


def test_a_successful_login_resets_the_count_and_is_logged(client, make_user):
    make_user("officer", username="tanaka")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "tanaka", "wrong")
    assert attempt(client, "tanaka", "pass-123-yume").status_code == 302
    assert not AccessAttempt.objects.filter(username="tanaka").exists()
    assert AccessLog.objects.filter(username="tanaka").count() == 1
    client.logout()
    # counting starts again: one more wrong password does not lock
    assert attempt(client, "tanaka", "wrong").status_code == 200


def attempt_through_proxy(client, username, password, forwarded_for):
    """A sign-in through the reverse proxy: REMOTE_ADDR is always the proxy's."""
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_a_trusted_proxy_each_client_is_locked_separately(client, make_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("officer", username="tanaka")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt_through_proxy(client, "tanaka", "wrong", "192.0.2.10")
    assert attempt_through_proxy(client, "tanaka", "pass-123-yume", "192.0.2.10").status_code == 429
    # the real tanaka, at another desk, is not locked out by the guesses
    other = attempt_through_proxy(client, "tanaka", "pass-123-yume", "198.51.100.7")
    assert other.status_code == 302
    assert AccessLog.objects.get(username="tanaka").ip_address == "198.51.100.7"


def test_without_trusted_proxies_the_header_is_ignored(client, make_user, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    make_user("officer", username="tanaka")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt_through_proxy(client, "tanaka", "wrong", "192.0.2.10")
    # a made-up X-Forwarded-For does not dodge the lock
    spoofed = attempt_through_proxy(client, "tanaka", "pass-123-yume", "198.51.100.7")
    assert spoofed.status_code == 429


@pytest.mark.parametrize(
    "count,forwarded_for,expected",
    [
        (0, "198.51.100.7", "10.0.0.2"),
        (1, "198.51.100.7", "198.51.100.7"),
        # what the client sent itself is left of what the proxy appended
        (1, "203.0.113.9, 198.51.100.7", "198.51.100.7"),
        (2, "203.0.113.9, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, "198.51.100.7", "10.0.0.2"),  # did not pass through both proxies
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_behind_proxies(rf, settings, count, forwarded_for, expected):
    from yumeplan.client_address import client_address

    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_address(request) == expected


def test_the_sign_in_and_lockout_pages_carry_the_site_header(client, make_user):
    login_page = client.get(LOGIN).content.decode()
    assert "ゆめプラン 管理" in login_page
    make_user("officer", username="tanaka")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = attempt(client, "tanaka", "wrong")
    html = locked.content.decode()
    assert locked.status_code == 429
    assert '<div id="site-name"><a href="/admin/">ゆめプラン 管理</a></div>' in html
    assert "Django" not in html
