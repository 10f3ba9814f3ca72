import os

import pytest
from django.test import Client


class StaffClient(Client):
    """Django's test client, whose ``force_login`` also passes the sign-in's second step
    (an authenticator app confirmed for the session) for a user who must give one
    (planners, superusers: ``policies.second_factor.required_for``), as signing in does.
    Tests of the second step itself sign in with a plain ``Client`` or the login form."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY

        from policies import second_factor

        if second_factor.required_for(user):
            device = enrolled_app_device(user)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


def enrolled_app_device(user):
    """The user's confirmed authenticator app, enrolled for them if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from policies import second_factor

    return second_factor.app_device(user) or TOTPDevice.objects.create(
        user=user, name=second_factor.APP_DEVICE_NAME
    )


@pytest.fixture
def app_device(db):
    """``app_device(user)``: see ``enrolled_app_device``."""
    return enrolled_app_device


@pytest.fixture
def client():
    """pytest-django's ``client``, signing staff in with their second factor."""
    return StaffClient()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's ``admin_client``, signed in with the second factor too."""
    client = StaffClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def app_code():
    """``app_code(device)``: the code an authenticator app shows now for this device, and
    the device made ready to accept it again (a code is accepted once per 30 seconds)."""
    from django_otp.oath import totp

    def code(device):
        type(device).objects.filter(pk=device.pk).update(
            last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
        )
        device.refresh_from_db()
        return f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"

    return code


def pytest_collection_modifyitems(config, items):
    """Tests marked ``serving`` start gunicorn on PostgreSQL and Redis, or run the
    PostgreSQL client tools: only when YUMEPLAN_SERVING_TESTS=1 (.ci/run sets it)."""
    if os.environ.get("YUMEPLAN_SERVING_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL and Redis: YUMEPLAN_SERVING_TESTS=1")
    for item in items:
        if "serving" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Tests do not run collectstatic: serve static names without the manifest's hashes."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def empty_cache():
    """Public pages are cached until the next publication: each test starts with none."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def japanese_after_each_test():
    """A request to /en/ leaves English active in the test's thread; reset it so that
    reverse() and the next test start in Japanese, the site's default."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def build_plan(db):
    """Build a small plan: ``build_plan(projects_per_policy=3)``; each project has one
    indicator with a numeric target of 100 and an actual in the target year of
    100 (achieved), 96 (mostly achieved) or 50 (not achieved), in turn, published
    unless ``published=False``."""
    from decimal import Decimal

    from indicators.models import Actual, Indicator, OfficialStatus
    from policies.models import BasicPolicy, Highlight, Measure, Plan, Project

    def build(projects_per_policy=3, policies=2, slug="test-plan", official=False, published=True):
        plan = Plan.objects.create(
            name="テスト計画",
            slug=slug,
            start_fiscal_year=2020,
            end_fiscal_year=2024,
            baseline_fiscal_year=2019,
            philosophy="みんなで",
            viewpoints="視点その一\n視点その二",
            achievement_threshold=Decimal("0.95"),
        )
        actual_values = [Decimal("100"), Decimal("96"), Decimal("50")]
        for number in range(1, policies + 1):
            policy = BasicPolicy.objects.create(
                plan=plan, number=number, title=f"方針{number}をつなぐまちへ", keyword="つなぐ"
            )
            measure = Measure.objects.create(basic_policy=policy, title=f"施策{number}", order=1)
            for index in range(projects_per_policy):
                project = Project.objects.create(
                    basic_policy=policy,
                    measure=measure,
                    number=f"{number * 100 + index}",
                    name=f"事業{number}-{index}",
                    summary_order=index + 1,
                )
                indicator = Indicator.objects.create(
                    project=project,
                    name="利用者数",
                    unit="人",
                    baseline_value=Decimal("80"),
                    baseline_fiscal_year=2019,
                    target_kind="numeric",
                    target_value=Decimal("100"),
                    target_fiscal_year=2024,
                )
                value = actual_values[index % len(actual_values)]
                Actual.objects.create(
                    indicator=indicator,
                    fiscal_year=2024,
                    value=value,
                    state="published" if published else "draft",
                    published_value=value if published else None,
                )
                if official:
                    OfficialStatus.objects.create(
                        indicator=indicator, fiscal_year=2024, status="achieved", reason="判断"
                    )
                Highlight.objects.create(project=project, text=f"取組{index}", order=index)
        return plan

    return build


@pytest.fixture
def make_user(db, django_user_model, settings):
    """``make_user("officer", departments=[dept])``: a staff user in a back-office role
    ("officer", "planner", "admin" or None for a bare staff account)."""
    from django.contrib.auth.models import Group

    from policies import roles

    # Production's PBKDF2 costs about a second per user; tests need no strong hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    groups = {"officer": roles.OFFICER_GROUP, "planner": roles.PLANNER_GROUP}
    counter = iter(range(1, 10_000))

    def make(role, departments=(), username=None, password="pass-123-yume"):
        roles.ensure_roles()  # transactional tests flush the groups the migration made
        user = django_user_model.objects.create_user(
            username=username or f"{role or 'staff'}{next(counter)}",
            password=password,
            is_staff=True,
            is_superuser=role == "admin",
        )
        if role in groups:
            user.groups.add(Group.objects.get(name=groups[role]))
        for department in departments:
            department.members.add(user)
        return user

    return make


KANAZAWA_SEED = "000_edc3b00150a32596.txt"


@pytest.fixture
def kanazawa_seed(settings):
    """The summary Kanazawa published (never committed): ../shared/seeds beside the clone,
    as in CI, else /work/shared/seeds. Missing in CI is a failure, not a skip."""
    import os
    from pathlib import Path

    for folder in (settings.BASE_DIR.parent / "shared" / "seeds", Path("/work/shared/seeds")):
        if (folder / KANAZAWA_SEED).is_file():
            return folder / KANAZAWA_SEED
    if os.environ.get("CI"):
        pytest.fail(f"the seed {KANAZAWA_SEED} is missing beside the clone (../shared/seeds)")
    pytest.skip(f"the seed {KANAZAWA_SEED} is not on this machine")


@pytest.fixture
def assert_same_page():
    """A check that a page is the page Django's Paginator gives of the same list: its rows
    (by pk), number, count, number of pages, next page and elided page range."""

    def check(page, expected):
        assert [row.pk for row in page.object_list] == [row.pk for row in expected.object_list]
        assert (page.number, page.paginator.count, page.paginator.num_pages) == (
            expected.number,
            expected.paginator.count,
            expected.paginator.num_pages,
        )
        assert page.has_next() == expected.has_next()
        assert list(page.paginator.get_elided_page_range(page.number)) == list(
            expected.paginator.get_elided_page_range(expected.number)
        )

    return check
