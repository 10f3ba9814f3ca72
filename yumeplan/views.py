import logging
import uuid

from django.core.cache import caches
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """200 when the app and its database answer, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_safe
def readyz(request):
    """200 when this app server may take traffic: the database answers, the caches keep
    what they are given, and no migration is pending; 503 naming what is not (for load
    balancers and deploy scripts). /healthz stays the cheap liveness check."""
    problems = [problem for check in READINESS_CHECKS if (problem := check())]
    if problems:
        return HttpResponse("\n".join(problems) + "\n", status=503, content_type="text/plain")
    return HttpResponse("ready\n", content_type="text/plain")


def _database_problem() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        readiness_log.exception("readyz: database unavailable")
        return "database unavailable"
    return ""


def _cache_problem() -> str:
    token = uuid.uuid4().hex
    try:
        for alias in ("default", "public_pages"):
            cache = caches[alias]
            cache.set(f"readyz:{token}", token, timeout=10)
            if cache.get(f"readyz:{token}") != token:
                return f"cache {alias} does not keep entries"
            cache.delete(f"readyz:{token}")
    except Exception:  # the backend's own errors (redis.ConnectionError, …)
        readiness_log.exception("readyz: cache unavailable")
        return "cache unavailable"
    return ""


def _migrations_problem() -> str:
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return "migrations unknown (database unavailable)"
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in pending)
        return f"migrations pending: {names}"
    return ""


READINESS_CHECKS = (_database_problem, _cache_problem, _migrations_problem)
readiness_log = logging.getLogger("yumeplan.readiness")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages (the admin's) that name no icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def login_locked_out(request, original_response=None, credentials=None):
    """What django-axes answers once a user name has failed too often from one address:
    a page in Japanese saying why and for how long (its own page is English only)."""
    from django.conf import settings
    from django.contrib import admin
    from django.shortcuts import render

    context = {
        **admin.site.each_context(request),  # the back office's own header
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(
        request, "admin/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
