"""A planner's first sign-in in the browser: password, enrolment of an authenticator app,
the recovery codes; each page free of serious axe findings and of console errors."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

# The share of the image's area that is dark, as drawn at its size on the page.
DARK_SHARE = """img => {
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0, img.width, img.height);
    const pixels = context.getImageData(0, 0, img.width, img.height).data;
    let dark = 0;
    for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] > 128 && pixels[i] < 128) dark += 1;
    }
    return dark / (img.width * img.height);
}"""


def test_a_planner_enrols_an_app_at_the_first_sign_in(
    live_server, axe_page, serious_violations, make_user, app_code
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    errors = []
    axe_page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    planner = make_user("planner", username="planner")
    axe_page.goto(live_server.url + "/admin/login/")
    axe_page.fill("#id_username", "planner")
    axe_page.fill("#id_password", "pass-123-yume")
    axe_page.click("input[type=submit]")
    axe_page.wait_for_url(live_server.url + "/admin/second-factor/enrol/?**")
    qr = axe_page.get_by_role("img", name="認証アプリで読み取る QR コード")
    qr.evaluate("img => img.decode()")
    assert qr.evaluate(DARK_SHARE) > 0.2  # drawn at the size the page gives it
    assert serious_violations(axe_page) == []

    device = TOTPDevice.objects.get(user=planner, confirmed=False)
    axe_page.get_by_label("確認コード").fill(app_code(device))
    axe_page.get_by_role("button", name="設定を終える").click()
    axe_page.wait_for_url(live_server.url + "/admin/second-factor/recovery-codes/?**")
    assert axe_page.locator(".second-factor-codes li").count() == 10
    assert serious_violations(axe_page) == []
    axe_page.get_by_role("link", name="保管したので次へ進む").click()
    axe_page.wait_for_url(live_server.url + "/admin/")
    assert errors == []
