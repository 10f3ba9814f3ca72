"""gunicorn's settings for Yumeplan in production (docs/deployment.md).

    .venv/bin/gunicorn -c gunicorn.conf.py      or      python3 dev.py prod

after ``manage.py migrate`` and ``manage.py collectstatic`` (``dev.py prod`` runs both).
Environment, each optional:

BIND                 address(es) to listen on, comma-separated (127.0.0.1:8000): the HTTPS
                     proxy or load balancer in front connects here
WEB_CONCURRENCY      worker processes (2 × CPUs + 1)
GUNICORN_THREADS     threads per worker (4): each serves one request at a time, so a
                     visitor's cached page is not queued behind a render, a staff save or
                     a download in the same worker; 1 runs gunicorn's sync workers. A
                     worker holds up to one PostgreSQL connection per thread
                     (DATABASE_POOL_SIZE is GUNICORN_THREADS here unless set; a cached page
                     takes none)
GUNICORN_TIMEOUT     seconds a request may take before its worker is replaced (30)
GUNICORN_KEEPALIVE   seconds an idle connection from the proxy stays open (75): more than
                     the proxy's own idle timeout
FORWARDED_ALLOW_IPS  the proxy's addresses, whose X-Forwarded-* headers are trusted (127.0.0.1)
GUNICORN_ACCESS_LOG  "-" adds gunicorn's own access log; the app logs every request already
PIDFILE              where the master writes its process id, for ``kill -HUP`` (none)

``kill -HUP <master>`` restarts the workers gracefully (new code after an upgrade); each
worker is also replaced after about MAX_REQUESTS requests, so no leak grows for long.
"""

import multiprocessing
import os
import sys

wsgi_app = "yumeplan.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
# Threads share the process's copies of public pages (a locked in-memory cache) and its
# database pool; each has its own Django connection and cache clients.
# Read by the settings in each worker (the app is loaded after the fork).
os.environ.setdefault("DATABASE_POOL_SIZE", str(threads))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Seconds an idle connection is kept open: longer than the proxy's or load balancer's own
# idle timeout (60 s in nginx and most balancers), so that gunicorn never closes one just
# as the proxy sends the next request on it (the proxy would answer that request 502).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# On HUP or TERM, workers finish the requests they are serving for up to this long.
graceful_timeout = 30
max_requests = int(os.environ.get("MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Each worker opens its own database pool on its first request: not preloaded, not forked.
preload_app = False
pidfile = os.environ.get("PIDFILE") or None
errorlog = "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
proc_name = "yumeplan"
# Several instances may run on one host: restart them with signals, not a shared control socket.
control_socket_disable = True

# Threads of a worker take turns holding Python's lock (the GIL); a thread answering a cached
# page waits for it at each step (the request, Redis, the answer) while another renders.
# 1 ms instead of Python's 5 ms shortens those waits (the load test's p99 of cached pages,
# median of 4 runs: about 30 ms instead of 50, bench/bench_serving.py).
GIL_SWITCH_SECONDS = 0.001


def post_worker_init(worker):
    if threads > 1:
        sys.setswitchinterval(GIL_SWITCH_SECONDS)
