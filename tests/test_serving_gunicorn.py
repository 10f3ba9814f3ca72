"""Production serving, proven: two gunicorn instances (2 workers each) share one PostgreSQL
database and one Redis database, as two app servers behind a city's load balancer.

Marked ``serving``: run by .ci/run on PostgreSQL with Redis (YUMEPLAN_SERVING_TESTS=1).
"""

import csv
import json
import re
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests

from tests.serving_support import _serving, postgres_url, redis_url

pytestmark = pytest.mark.serving

FIGURE = "987654"
PREPARE_FIGURE = f"""
import json
from indicators.models import Actual
actual = (
    Actual.objects.filter(
        indicator__project__plan__slug="{_serving.SYNTHETIC_SLUG}", fiscal_year=2024
    )
    .exclude(indicator__decimals__gt=0)
    .select_related("indicator__project")
    .order_by("pk")
    .first()
)
Actual.objects.filter(pk=actual.pk).update(value={FIGURE}, state="approved")
print(json.dumps([actual.pk, actual.indicator.project.number]))
"""


@pytest.fixture(scope="module")
def servers():
    with _serving.Servers(postgres_url(), redis_url(), count=2, workers=2) as servers:
        yield servers


def signed_in(base_url: str, username: str) -> requests.Session:
    """A session signed in with the password, and the planner's second factor (a one-time
    recovery code of the seed data)."""
    session = requests.Session()
    page = session.get(f"{base_url}/admin/login/")
    answer = session.post(
        f"{base_url}/admin/login/",
        {
            "username": username,
            "password": _serving.PASSWORD,
            "csrfmiddlewaretoken": csrf_token(page.text),
            "next": "/admin/",
        },
    )
    if 'name="token"' in answer.text:
        answer = session.post(
            answer.url,
            {"token": "servingtestcode", "csrfmiddlewaretoken": csrf_token(answer.text)},
        )
    assert answer.url == f"{base_url}/admin/", "signing in failed"
    return session


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def public_version(servers) -> int:
    with psycopg.connect(servers.env["DATABASE_URL"]) as conn:
        return conn.execute("SELECT number FROM indicators_publicversion WHERE id = 1").fetchone()[
            0
        ]


def test_a_figure_published_on_one_server_is_served_by_the_other_on_its_next_request(servers):
    first, second = servers.urls
    output = servers._manage("shell", "-c", PREPARE_FIGURE)
    actual_id, project = json.loads(output.strip().splitlines()[-1])
    page = f"{second}/plans/{_serving.SYNTHETIC_SLUG}/projects/{project}/"
    before = requests.get(page)
    assert before.status_code == 200 and "987,654" not in before.text  # now cached

    planner = signed_in(first, "planner")
    changelist = f"{first}/admin/indicators/actual/"
    token = planner.cookies["csrftoken"]
    published = planner.post(
        changelist,
        {
            "csrfmiddlewaretoken": token,
            "action": "publish_selected",
            "_selected_action": actual_id,
            "confirm": "1",
            "comment": "サービング試験の訂正",
        },
        headers={"Referer": changelist},
    )
    assert "1 件を公表しました" in published.text

    after = requests.get(page)
    assert after.status_code == 200 and "987,654" in after.text


def test_after_a_publication_a_page_is_rendered_once_for_all_servers_and_workers(servers):
    servers._manage("shell", "-c", "from indicators.cache import bump_public_cache as b; b()")
    renders = servers.renders()
    urls = [f"{url}/plans/{_serving.KANAZAWA_SLUG}/policies/1/" for url in servers.urls] * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(requests.get, urls))
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1
    assert servers.renders() - renders == 1


def test_the_load_test_of_a_publication_day_has_no_errors_on_either_server(servers, tmp_path):
    version = public_version(servers)
    result = _serving.run_locust(
        servers.urls,
        users=12,
        seconds=20,
        csv_prefix=tmp_path / "load",
        recovery_code="loadtestcode1",
    )
    with (tmp_path / "load_stats.csv").open() as stream:
        total = next(row for row in csv.DictReader(stream) if row["Name"] == "Aggregated")
    assert int(total["Failure Count"]) == 0, result["output"][-3000:]
    assert result["returncode"] == 0, result["output"][-3000:]
    assert int(total["Request Count"]) > 200
    assert public_version(servers) > version, "the planner published nothing during the run"
