"""The sign-in's second step (django-otp): planners and superusers, and officers with
OTP_REQUIRED_FOR_OFFICERS, give a code from an authenticator app or a recovery code."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
VERIFY = "/admin/second-factor/"
ENROL = "/admin/second-factor/enrol/"


def sign_in_with_password(client, user, next_url="/admin/"):
    response = client.post(
        LOGIN, {"username": user.username, "password": "pass-123-yume", "next": next_url}
    )
    assert response.status_code == 302
    return client.get(response["Location"])


def wrong_code(device):
    """A six-digit code the device accepts at no time step near now."""
    from django_otp.oath import TOTP

    near = set()
    for drift in (-2, -1, 0, 1, 2):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, drift)
        near.add(f"{totp.token():06d}")
    return next(code for code in ("000000", "111111", "222222") if code not in near)


def send_code(client, url, token, next_url="/admin/"):
    return client.post(url, {"token": token, "next": next_url})


@pytest.fixture
def staff_page(build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    return f"/staff/plans/{plan.slug}/2024/"


def test_a_planner_without_an_app_is_sent_to_enrolment_and_kept_out(client, make_user, staff_page):
    planner = make_user("planner")
    response = sign_in_with_password(client, planner)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL + "?next=")
    for url in ["/admin/", "/admin/policies/project/", staff_page, "/admin/password_change/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(ENROL), url
    assert client.get(ENROL).status_code == 200


def test_enrolment_with_a_code_from_the_key_then_recovery_codes_shown_once(
    client, make_user, app_code, staff_page
):
    planner = make_user("planner")
    sign_in_with_password(client, planner, next_url=staff_page)
    page = client.get(f"{ENROL}?next={staff_page}").content.decode()
    device = TOTPDevice.objects.get(user=planner, confirmed=False)
    assert 'src="/admin/second-factor/enrol/qr.svg"' in page
    secret = re.search(r'<code class="second-factor-secret">([A-Z2-7 ]+)</code>', page)[1]
    assert len(secret.replace(" ", "")) == 32
    qr = client.get("/admin/second-factor/enrol/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content
    assert b'viewBox="0 0 ' in qr.content  # scales to the size the page gives it

    response = send_code(client, ENROL, app_code(device), next_url=staff_page)
    assert response.status_code == 302
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert f'href="{staff_page}"' in codes_page
    # shown once: the page does not show them again
    again = client.get(reverse("admin:second_factor_recovery_codes"))
    assert again.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(staff_page).status_code == 200
    assert client.get("/admin/").status_code == 200
    # with an app enrolled, enrolling again needs the code first
    client.logout()
    sign_in_with_password(client, planner)
    assert client.get(ENROL)["Location"].startswith(VERIFY)


def test_a_wrong_code_is_refused_in_japanese(client, make_user, app_device, app_code):
    planner = make_user("planner")
    device = app_device(planner)
    response = sign_in_with_password(client, planner)
    assert response["Location"].startswith(VERIFY)
    response = send_code(client, VERIFY, wrong_code(device))
    assert response.status_code == 200
    assert "コードが正しくありません。" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_an_unconfirmed_app_refuses_a_wrong_code_at_enrolment(client, make_user):
    planner = make_user("planner")
    sign_in_with_password(client, planner)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=planner, confirmed=False)
    response = send_code(client, ENROL, wrong_code(device))
    assert "コードが正しくありません。" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=planner, confirmed=True).exists()


def test_codes_are_throttled_after_wrong_ones(client, make_user, app_device, app_code):
    planner = make_user("planner")
    device = app_device(planner)
    sign_in_with_password(client, planner)
    right = app_code(device)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=5, throttling_failure_timestamp=timezone.now()
    )
    response = send_code(client, VERIFY, right)
    html = response.content.decode()
    assert "コードを続けて間違えたため、しばらく受け付けません。" in html
    assert re.search(r"\d+ 秒ほど待ってから", html)
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_works_once_only(client, make_user, app_device, app_code):
    planner = make_user("planner")
    sign_in_with_password(client, planner)
    device = TOTPDevice.objects.create(user=planner, confirmed=False, name="認証アプリ")
    send_code(client, ENROL, app_code(device))
    code = StaticToken.objects.first().token
    client.logout()

    sign_in_with_password(client, planner)
    response = send_code(client, VERIFY, f" {code.upper()} ")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert "回復コードを使いました。残りは 9 個です。" in client.get("/admin/").content.decode()
    client.logout()

    sign_in_with_password(client, planner)
    response = send_code(client, VERIFY, code)
    assert "コードが正しくありません。" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_an_officer_needs_none_by_default_and_does_with_the_setting(client, make_user, settings):
    officer = make_user("officer")
    sign_in_with_password(client, officer)
    assert client.get("/admin/").status_code == 200
    settings.OTP_REQUIRED_FOR_OFFICERS = True
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)


def test_a_superuser_needs_it(client, make_user):
    administrator = make_user("admin")
    sign_in_with_password(client, administrator)
    response = client.get("/admin/auth/user/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)


def test_a_bare_staff_account_with_no_role_needs_none(client, make_user):
    sign_in_with_password(client, make_user(None))
    assert client.get("/admin/").status_code == 200
    assert client.get(ENROL).status_code == 404


def test_the_pages_carry_the_site_header_and_no_inline_code(client, make_user, app_device):
    planner = make_user("planner")
    sign_in_with_password(client, planner)
    enrol_page = client.get(ENROL).content.decode()
    other = make_user("planner")
    app_device(other)
    client.logout()
    sign_in_with_password(client, other)
    verify_page = client.get(VERIFY).content.decode()
    for html in (enrol_page, verify_page):
        assert "ゆめプラン 管理" in html
        assert "Django" not in html
        assert "style=" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
        assert 'autocomplete="one-time-code"' in html


def test_the_code_page_goes_on_to_where_the_user_was_going(
    client, make_user, app_device, app_code, staff_page
):
    planner = make_user("planner")
    device = app_device(planner)
    response = sign_in_with_password(client, planner, next_url=staff_page)
    assert client.get(response["Location"]).status_code == 200
    response = send_code(client, VERIFY, app_code(device), next_url=staff_page)
    assert response["Location"] == staff_page
    # and never to another site
    client.logout()
    sign_in_with_password(client, planner)
    response = send_code(client, VERIFY, app_code(device), next_url="https://example.com/")
    assert response["Location"] == "/admin/"


def test_the_second_step_needs_a_password_sign_in_first(client):
    response = client.get(VERIFY)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_superuser_resets_a_lost_phone(client, make_user, app_device):
    planner = make_user("planner")
    app_device(planner)
    out = io.StringIO()
    call_command("reset_second_factor", planner.username, stdout=out)
    assert "1 device(s) removed" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=planner).exists()
    response = sign_in_with_password(client, planner)
    assert response["Location"].startswith(ENROL)
