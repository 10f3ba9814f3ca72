"""axe-core on the back office's own screens (entry, upload, status pages), signed in as an
officer and as a planner: any serious or critical violation fails the test. Officers and
planners who use a screen reader enter and review the figures too."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def check(page, serious_violations, live_server, paths):
    """axe's findings per path. Every request the pages and axe make must be answered
    without a server error: axe-core (up to 4.12 at least, dequelabs/axe-core#5268) fetches
    the ``@import url('widgets.css')`` of Django's admin/css/forms.css relative to the page,
    ``…/change/widgets.css``, which the admin must answer with 404."""
    server_errors = []
    page.on("response", lambda r: server_errors.append(r.url) if r.status >= 500 else None)
    found = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    assert server_errors == []
    return found


def test_the_officer_screens_have_no_serious_violation(
    live_server, sign_in, axe_page, serious_violations, build_plan, make_user, tmp_path
):
    from policies.models import Department, Project

    build_plan(projects_per_policy=3, policies=1, published=False)
    department = Department.objects.create(name="こども政策課")
    Project.objects.update(department=department)
    make_user("officer", departments=[department], username="officer")
    sign_in(axe_page, "officer")
    paths = [
        "/admin/",
        "/admin/indicators/actual/entry/?fiscal_year=2024",
        "/admin/indicators/actual/upload/",
        "/admin/indicators/actual/",
    ]
    assert check(axe_page, serious_violations, live_server, paths) == {}
    # the upload's preview, with a rejected row
    from indicators.models import Indicator

    first = Indicator.objects.get(project__number="100")
    csv = tmp_path / "実績.csv"
    csv.write_bytes(
        "ID,年度,事業番号,指標項目,実績値,備考\r\n"
        f"{first.pk},R6,100,{first.name},百二十,\r\n".encode("cp932")
    )
    axe_page.goto(live_server.url + "/admin/indicators/actual/upload/")
    axe_page.set_input_files("input[name=file]", str(csv))
    axe_page.get_by_role("button", name="確認する").click()
    axe_page.wait_for_selector("p.upload-summary")
    assert "エラー 1 件" in axe_page.locator("p.upload-summary").inner_text()
    assert serious_violations(axe_page) == []
    # every input of the entry table is named for a screen reader
    axe_page.goto(live_server.url + "/admin/indicators/actual/entry/?fiscal_year=2024")
    value = axe_page.get_by_label("No. 100 利用者数: R6 実績値（公開）", exact=True)
    assert value.count() == 1
    assert axe_page.get_by_label("No. 100 利用者数: 内部メモ（非公開）", exact=True).count() == 1


def test_the_planner_status_pages_have_no_serious_violation(
    live_server, sign_in, axe_page, serious_violations, build_plan, make_user
):
    from indicators.models import Actual, Indicator
    from policies.models import Project

    plan = build_plan(projects_per_policy=3, policies=1, published=False)
    Actual.objects.update(state="submitted")
    make_user("planner", username="planner")
    sign_in(axe_page, "planner")
    base = f"/staff/plans/{plan.slug}"
    paths = [
        "/admin/",
        f"{base}/2024/",
        f"{base}/2023/trajectory/",
        f"{base}/2024/tracker/",
        f"{base}/2024/review/",
        f"{base}/2024/summary/",
        f"{base}/2024/comparison/",
        f"/admin/policies/project/{Project.objects.get(number='100').pk}/change/",
        f"/admin/indicators/indicator/{Indicator.objects.get(project__number='100').pk}/change/",
    ]
    assert check(axe_page, serious_violations, live_server, paths) == {}


def test_autocomplete_comboboxes_are_named_whenever_select2_builds_them(
    live_server, sign_in, axe_page, serious_violations, build_plan, make_user
):
    """Django's autocomplete.js builds the comboboxes on jQuery's DOM ready, which can come
    after the page's load event: build them again after load, as a slow start would."""
    from policies.models import Project

    build_plan(projects_per_policy=1, policies=1)
    make_user("planner", username="planner")
    sign_in(axe_page, "planner")
    axe_page.goto(f"{live_server.url}/admin/policies/project/{Project.objects.get().pk}/change/")
    axe_page.evaluate(
        "() => { const $ = django.jQuery;"
        " $('select.admin-autocomplete').select2('destroy').djangoAdminSelect2(); }"
    )
    combobox = axe_page.locator("#id_department + .select2-container [role=combobox]")
    axe_page.wait_for_function(
        "() => (document.querySelector('#id_department + .select2-container [role=combobox]')"
        " .getAttribute('aria-labelledby') || '').includes('id_department-label')"
    )
    assert combobox.get_attribute("aria-labelledby").startswith("id_department-label ")
    assert serious_violations(axe_page) == []
