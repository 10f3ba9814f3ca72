"""The project as a whole: settings from the environment, health check, security headers."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import DatabaseError

ROOT = Path(__file__).resolve().parent.parent


def load_settings(code=None, **env):
    """Import the settings in a fresh interpreter with only ``env`` set; return the result."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(env)
    code = "import yumeplan.settings as s; " + (
        code
        or "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS, s.LANGUAGE_CODE, "
        "s.TIME_ZONE, s.DEFAULT_AUTO_FIELD)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_settings_refuse_to_start_without_a_secret_key_in_production():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_gives_a_development_key_and_sqlite_by_default():
    clean_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    with mock.patch.dict(os.environ, clean_env, clear=True):
        result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "True django.db.backends.sqlite3" in result.stdout
    assert "ja Asia/Tokyo django.db.models.BigAutoField" in result.stdout


def test_database_url_and_allowed_hosts_come_from_the_environment():
    result = load_settings(
        SECRET_KEY="k",
        DATABASE_URL="postgres://someone@db.example:5432/yumeplan",
        ALLOWED_HOSTS="plan.example.jp, www.plan.example.jp",
    )
    assert result.returncode == 0, result.stderr
    assert "False django.db.backends.postgresql" in result.stdout
    assert "['plan.example.jp', 'www.plan.example.jp']" in result.stdout


def test_https_redirect_and_hsts_are_set_from_the_environment():
    show = "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    assert load_settings(show, SECRET_KEY="k").stdout == "False 0 False\n"
    result = load_settings(
        show, SECRET_KEY="k", SSL_REDIRECT="1", HSTS_SECONDS="31536000", HSTS_INCLUDE_SUBDOMAINS="1"
    )
    assert result.stdout == "True 31536000 True\n", result.stderr


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError):
        response = client.get("/healthz")
    assert response.status_code == 503


def test_static_files_are_compressed_and_hashed_in_production():
    # The conftest swaps in plain storage for tests; the configured one is whitenoise's.
    from django.conf import settings as live

    import yumeplan.settings as configured

    assert (
        configured.STORAGES["staticfiles"]["BACKEND"]
        == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in live.MIDDLEWARE


def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


@pytest.mark.django_db
def test_with_the_https_redirect_on_the_health_check_still_answers_by_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    redirect = client.get("/accessibility/")
    assert redirect.status_code == 301
    assert redirect["Location"] == "https://testserver/accessibility/"


def test_mail_server_settings_come_from_the_environment():
    show = "print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS)"
    result = load_settings(
        show,
        SECRET_KEY="k",
        EMAIL_HOST="smtp.city.example.jp",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="yumeplan",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="1",
    )
    assert result.stdout == "smtp.city.example.jp 587 yumeplan secret True\n", result.stderr


@pytest.mark.django_db
def test_an_unknown_address_gets_the_site_page_in_its_language(client):
    response = client.get("/plans/no-such-plan/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "ページが見つかりません" in html and 'href="#main"' in html  # the site's base
    english = client.get("/en/plans/no-such-plan/").content.decode()
    assert "Page not found" in english


def test_the_server_error_page_renders_without_a_database_or_request_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "一時的にページを表示できません" in response.content.decode()


def test_sign_in_settings_come_from_the_environment():
    show = (
        "print(s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE, "
        "s.SESSION_SAVE_EVERY_REQUEST, s.TRUSTED_PROXY_COUNT, s.OTP_REQUIRED_FOR_OFFICERS)"
    )
    assert load_settings(show, SECRET_KEY="k").stdout == "7200 True True 0 False\n"
    result = load_settings(
        show,
        SECRET_KEY="k",
        SESSION_IDLE_MINUTES="15",
        TRUSTED_PROXY_COUNT="1",
        OTP_REQUIRED_FOR_OFFICERS="1",
    )
    assert result.stdout == "900 True True 1 True\n", result.stderr


@pytest.mark.django_db
def test_a_staff_session_ends_after_the_idle_time(client, make_user, settings):
    import datetime

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(make_user("officer"))
    key = client.session.session_key
    assert client.get("/admin/").status_code == 200
    # each request moves the end on by the idle time: a sliding expiry
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1)
    )
    response = client.get("/admin/")
    left = Session.objects.get(pk=key).expire_date - timezone.now()
    assert datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < left
    # the cookie is dropped when the browser closes
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    # nothing for longer than the idle time: signed out
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
