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
