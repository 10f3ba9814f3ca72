"""The load test of a publication day: citizens read while officers save and planners publish.

Headless, bounded in time and users, against this machine's loopback only (bench/_serving.py
starts the servers; tests/test_serving_gunicorn.py and bench/bench_serving.py run it):

    YUMEPLAN_HOSTS=http://127.0.0.1:8001,http://127.0.0.1:8002 YUMEPLAN_PASSWORD=… \\
    .venv/bin/locust -f bench/locustfile.py --headless -u 20 -r 20 --run-time 30s \\
        --host http://127.0.0.1:8001

Each simulated person picks one of YUMEPLAN_HOSTS (the app servers behind a load balancer).
Citizens read the Kanazawa plan: its page, policy, project, search and download pages.
Officers (user "officer") save and submit a figure of the synthetic plan on the yearly entry
screen; planners (user "planner", confirming sign-in with the one-time recovery code
YUMEPLAN_RECOVERY_CODE) approve and publish what was submitted, which moves the public
version on and makes that plan's cached pages render again.

Citizens use locust's FastHttpUser (geventhttpclient), which costs the machine a fraction
of the CPU of HttpUser (requests) per request: locust shares the cores with the servers.
With YUMEPLAN_TIMINGS set to a file name, the response time of every request of a
citizen's page (each name in PUBLIC_PAGES, whatever its outcome) is written there as JSON
at the end, for percentiles over all of them together (bench/bench_serving.py).
"""

import json
import os
import random
import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlsplit

from _serving import SEARCHES  # bench/ is on locust's path
from locust import FastHttpUser, HttpUser, between, events, task

HOSTS = [h for h in os.environ.get("YUMEPLAN_HOSTS", "").split(",") if h]
PASSWORD = os.environ.get("YUMEPLAN_PASSWORD", "")
RECOVERY_CODE = os.environ.get("YUMEPLAN_RECOVERY_CODE", "")
PLAN = os.environ.get("YUMEPLAN_PLAN", "kanazawa-yumeplan-2020")
ENTRY_YEAR = os.environ.get("YUMEPLAN_ENTRY_YEAR", "2024")
# the citizens' cached public pages (downloads are streamed, not cached)
PUBLIC_PAGES = ["plan", "plan (en)", "policy", "project", "search"]
TIMINGS = os.environ.get("YUMEPLAN_TIMINGS", "")
timings: dict[str, list[float]] = defaultdict(list)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SELECTED = re.compile(r'name="_selected_action" value="(\d+)"')


@events.init.add_listener
def loopback_only(environment, **kwargs):
    """Never load anything but this machine."""
    for host in [*HOSTS, environment.host or ""]:
        if host and urlsplit(host).hostname not in {"127.0.0.1", "localhost"}:
            raise SystemExit(f"the load test runs against 127.0.0.1 only, not {host}")


@events.request.add_listener
def record_public_page(name, response_time, **kwargs):
    if TIMINGS and name in PUBLIC_PAGES:
        timings[name].append(response_time)


@events.quitting.add_listener
def write_timings(environment, **kwargs):
    if TIMINGS:
        with open(TIMINGS, "w") as stream:
            json.dump(timings, stream)


class OnOneServer:
    """Mixed into a locust User: one of YUMEPLAN_HOSTS, chosen at random."""

    abstract = True

    def __init__(self, environment):
        super().__init__(environment)
        if HOSTS:
            self.host = random.choice(HOSTS)
            self.client.base_url = self.host


class Citizen(OnOneServer, FastHttpUser):
    wait_time = between(0.05, 0.3)

    def on_start(self):
        records = self.client.get(
            f"/api/v1/plans/{PLAN}/indicators/", name="/api/v1/plans/[slug]/indicators/"
        ).json()["indicators"]
        self.projects = sorted({r["project_number"] for r in records})
        self.policies = sorted({r["policy_number"] for r in records})

    @task(4)
    def plan(self):
        self.client.get(f"/plans/{PLAN}/", name="plan")

    @task(4)
    def policy(self):
        self.client.get(f"/plans/{PLAN}/policies/{random.choice(self.policies)}/", name="policy")

    @task(6)
    def project(self):
        number = random.choice(self.projects)
        self.client.get(f"/plans/{PLAN}/projects/{number}/", name="project")

    @task(3)
    def search(self):
        self.client.get(f"/plans/{PLAN}/search/{random.choice(SEARCHES)}", name="search")

    @task(1)
    def download(self):
        fmt = random.choice(["csv", "json"])
        self.client.get(f"/data/{PLAN}/indicators.{fmt}", name=f"download {fmt}")

    @task(1)
    def english(self):
        self.client.get(f"/en/plans/{PLAN}/", name="plan (en)")


class Staff(OnOneServer, HttpUser):
    abstract = True
    username = ""

    def on_start(self):
        page = self.client.get("/admin/login/", name="login")
        answer = self.client.post(
            "/admin/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
                "next": "/admin/",
            },
            name="login",
        )
        if 'name="token"' in answer.text:  # the second factor: a one-time recovery code
            self.client.post(
                answer.url,
                {
                    "token": RECOVERY_CODE,
                    "csrfmiddlewaretoken": CSRF.search(answer.text).group(1),
                    "next": "/admin/",
                },
                name="second factor",
            )


class Officer(Staff):
    """Saves and submits one figure of the year at a time on the entry screen."""

    fixed_count = 2
    wait_time = between(1, 3)
    username = "officer"

    @task
    def save_and_submit(self):
        url = f"/admin/indicators/actual/entry/?fiscal_year={ENTRY_YEAR}"
        page = self.client.get(url, name="entry")
        fields = FormFields.of(page.text)
        values = [name for name in fields.values if name.startswith("value_")]
        if not values:
            return
        chosen = random.choice(values)
        fields.values[chosen] = str(random.randint(1, 500))
        data = {**fields.values, "action": "submit"}
        self.client.post(url, data, name="entry save")


class Planner(Staff):
    """Approves what officers submitted and publishes it (a correction gives a reason)."""

    fixed_count = 1
    wait_time = between(2, 4)
    username = "planner"

    @task
    def approve_and_publish(self):
        changelist = "/admin/indicators/actual/"
        page = self.client.get(
            f"{changelist}?state__exact=submitted&fiscal_year__exact={ENTRY_YEAR}",
            name="review list",
        )
        ids = SELECTED.findall(page.text)[:5]
        if not ids:
            return
        token = CSRF.search(page.text).group(1)
        base = {"csrfmiddlewaretoken": token, "_selected_action": ids, "index": "0"}
        self.client.post(changelist, {**base, "action": "approve_selected"}, name="approve")
        publish = {**base, "action": "publish_selected", "confirm": "1", "comment": "負荷試験"}
        self.client.post(changelist, publish, name="publish")


class FormFields(HTMLParser):
    """The names and values a browser would send from a page's POST form."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._in_post_form = False
        self._textarea = None

    @classmethod
    def of(cls, html: str) -> "FormFields":
        parser = cls()
        parser.feed(html)
        return parser

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_post_form = (attrs.get("method") or "").lower() == "post"
        elif not self._in_post_form or "disabled" in attrs or not attrs.get("name"):
            return
        elif tag == "input" and attrs.get("type") not in {"submit", "button", "checkbox"}:
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.values[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_post_form = False
        elif tag == "textarea":
            self._textarea = None
