"""Start Yumeplan as production runs it, on this machine's loopback, for the serving test
and the serving benchmark: N gunicorn instances sharing one PostgreSQL database and one
Redis database, with the Kanazawa plan and a small SYNTHETIC plan (officers and planners
work on the synthetic one: the Kanazawa data has no departments).

Nothing here listens on anything but 127.0.0.1; ports are free ones the system picks.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PASSWORD = "serving-test-pass-8231"
SYNTHETIC_SLUG = "serving-synthetic"
KANAZAWA_SLUG = "kanazawa-yumeplan-2020"
# the citizens' searches in the load test (bench/locustfile.py)
SEARCHES = ["?q=子育て", "?q=支援&policy=1", "?status=achieved", "?policy=2&page=1", "?q=保育"]
# the planner's one-time recovery codes: one for the tests, one for each load test run
RECOVERY_CODES = ["servingtestcode", *(f"loadtestcode{n}" for n in range(1, 6))]

SEED = f"""
import json
from django.contrib.auth.models import Group
from django.core.management import call_command
from indicators.services.synthetic import build_synthetic_plan
from policies import roles
from policies.models import Department
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)
build_synthetic_plan(slug="{SYNTHETIC_SLUG}", projects=30, departments=2)
roles.ensure_roles()
User = __import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model()
officer = User.objects.create_user("officer", password="{PASSWORD}", is_staff=True)
officer.groups.add(Group.objects.get(name=roles.OFFICER_GROUP))
Department.objects.filter(name__contains="{SYNTHETIC_SLUG}").first().members.add(officer)
planner = User.objects.create_user("planner", password="{PASSWORD}", is_staff=True)
planner.groups.add(Group.objects.get(name=roles.PLANNER_GROUP))
# Planners confirm each sign-in with a second factor: an enrolled app, and recovery codes
# that the test and the load test give (each once).
TOTPDevice.objects.create(user=planner, name="app", confirmed=True)
recovery = StaticDevice.objects.create(user=planner, name="recovery", confirmed=True)
for code in {RECOVERY_CODES!r}:
    recovery.token_set.create(token=code)
print(json.dumps({{"ok": True}}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(base_url: str, name: str) -> str:
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"/{name}", query=""))


class Servers:
    """``with Servers(base_database_url, redis_url) as servers:`` servers.urls, .env, .logs"""

    def __init__(self, base_database_url, redis_url, *, count=2, workers=2, name="serving"):
        self.admin_url = database_url(base_database_url, "postgres")
        self.name = f"{urlsplit(base_database_url).path.strip('/') or 'yumeplan'}_{name}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}},
            "SECRET_KEY": "serving-test-secret-key",
            "DATABASE_URL": database_url(base_database_url, self.name),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # as in production: every server prints the public origin, whatever Host it got
            "SITE_ORIGIN": "https://plan.example.lg.jp",
            "SECURE_COOKIES": "0",  # loopback HTTP: the session cookie must come back
            "WEB_CONCURRENCY": str(workers),
            # no worker recycled mid-run: its CPU time would drop out of the measurement
            # (a worker of the static-file run serves over 5,000 requests in 5 s)
            "MAX_REQUESTS": "0",
            "LOG_LEVEL": "INFO",
            "DJANGO_SETTINGS_MODULE": "yumeplan.settings",
        }
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        self.count = count
        self.processes: list[subprocess.Popen] = []
        self.urls: list[str] = []
        self.logs: list[Path] = []

    def __enter__(self) -> Servers:
        try:
            self._create_database()
            self._manage("migrate", "--no-input", "--verbosity", "0")
            if self.count:
                self._manage("collectstatic", "--no-input", "--verbosity", "0")
            self._manage("shell", "-c", SEED)
            if "REDIS_URL" in self.env:
                self._manage("shell", "-c", "from django.core.cache import cache; cache.clear()")
            for index in range(self.count):
                self._start(index)
            for url in self.urls:
                wait_until_ready(url)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _create_database(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.name}"')

    def _manage(self, *args) -> str:
        result = subprocess.run(
            [str(PYTHON), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def _start(self, index: int) -> None:
        url, log = self.launch(self.env)
        self.urls.append(url)
        self.logs.append(log)

    def launch(self, env: dict) -> tuple[str, Path]:
        """Start one more gunicorn with ``env`` (stopped with the others); its URL and log."""
        port = free_port()
        log = Path(env.get("SERVING_LOG_DIR", "/tmp")) / f"{self.name}-{port}.log"
        with log.open("w") as stream:
            self.processes.append(
                subprocess.Popen(
                    [str(GUNICORN), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
                    cwd=ROOT,
                    env=env,
                    stdout=stream,
                    stderr=subprocess.STDOUT,
                )
            )
        return f"http://127.0.0.1:{port}", log

    def renders(self) -> int:
        """How many pages all servers have rendered so far (their cache logs)."""
        return sum(log.read_text().count("yumeplan.public.cache rendered ") for log in self.logs)


def wait_until_ready(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} is not ready after {seconds} s")
        time.sleep(0.3)


def run_locust(
    urls: list[str],
    *,
    users: int,
    seconds: int,
    csv_prefix: Path,
    recovery_code: str,
    timings: Path | None = None,
) -> dict:
    """The load test (bench/locustfile.py), headless and bounded; its aggregated numbers.
    With ``timings``, locust writes there the response time of every citizen's page."""
    env = {
        **os.environ,
        "YUMEPLAN_HOSTS": ",".join(urls),
        "YUMEPLAN_PASSWORD": PASSWORD,
        "YUMEPLAN_RECOVERY_CODE": recovery_code,
        "YUMEPLAN_TIMINGS": str(timings or ""),
    }
    result = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--host",
            urls[0],
            "--csv",
            str(csv_prefix),
            "--only-summary",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    return {"returncode": result.returncode, "output": result.stdout + result.stderr}


if __name__ == "__main__":  # a manual check: start the servers and print them
    with Servers(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "") as servers:
        print(json.dumps({"urls": servers.urls, "logs": [str(p) for p in servers.logs]}))
        input("press Enter to stop")
