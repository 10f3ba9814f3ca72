"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests")
        pytest.skip(f"{CHROMIUM} is missing: `apt-get install chromium` to run browser tests")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def sign_in(live_server, app_device, app_code):
    """``sign_in(page, username)``: log in through the admin's login form, as people do
    (make_user's password), then, for a user who needs a second factor, give the code of
    their authenticator app (one is enrolled for them if they have none); wait for the
    admin index."""
    from django.contrib.auth import get_user_model

    from policies import second_factor

    def go(page, username, password="pass-123-yume"):
        user = get_user_model().objects.get(username=username)
        device = None
        if second_factor.required_for(user):
            device = app_device(user)
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        if device is not None:
            page.wait_for_url(live_server.url + "/admin/second-factor/?**")
            page.fill("#id_token", app_code(device))
            page.click("input[type=submit]")
        page.wait_for_url(live_server.url + "/admin/")

    return go


@pytest.fixture
def console_errors(page):
    """Messages the page logged as errors (a CSP violation shows up here)."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


@pytest.fixture
def axe_page(browser):
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: run `npm ci` (dev.py test does)")
        pytest.skip("axe-core is missing: run `npm ci`")
    # The site's CSP forbids inline scripts; the test context bypasses it to inject axe.
    context = browser.new_context(locale="ja-JP", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def serious_violations():
    """``serious_violations(page)``: axe-core's serious and critical WCAG 2.1 AA findings."""
    return _serious_violations


def _serious_violations(page):
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))",
        [*WCAG_AA, "best-practice"],
    )
    # axe fetches @imported stylesheets itself (the admin's widgets.css, by a wrong relative
    # URL); let those requests finish before the test moves on, so that they never overlap
    # the next page's requests on the test server's one shared SQLite connection.
    page.wait_for_load_state("networkidle")
    return [v for v in violations if v["impact"] in ("serious", "critical")]
