"""Public responses are cached until the next publication moves the public version on."""

import hashlib
import logging
import time
from functools import wraps
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, QueryDict
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from indicators.cache import public_cache_version

logger = logging.getLogger("yumeplan.public.cache")

# A worker that finds another rendering the same page waits for it, polling, this long at
# most; then renders it itself (the other may have died). Renders take well under this.
RENDER_WAIT_SECONDS = 15
RENDER_POLL_SECONDS = 0.02


def cached_public(view=None, *, reads=(), plan="slug"):
    """Cache a public GET response until the next publication bumps its public version.

    ``@cached_public`` or ``@cached_public(reads=("q", "page"))``, naming the query
    parameters the view reads: the key is the public version, the active language, the
    path and those parameters only (in a fixed order), so a query string the view ignores
    neither renders the page again nor adds an entry. The version is the plan's when the
    view has the URL argument ``plan`` names (the plan's slug: a publication of another
    plan keeps its pages), else the site's (``indicators.cache``). Only complete 200
    responses are kept; public pages carry no CSRF token or per-user content. One worker
    renders a page while the others (on every app server, with a shared cache) wait for
    it. The response says which version (of which plan) and query it was kept under
    (``response.public_cache``), for
    ``PublicPageMiddleware``, which keeps a copy in the process for the next visitor.
    """
    if view is None:
        return lambda view: cached_public(view, reads=reads, plan=plan)

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        _keep_read_parameters(request, reads)
        slug = kwargs.get(plan) if plan else None
        known = getattr(request, "public_cache_version", None)  # PublicPageMiddleware's
        version = known[1] if known and known[0] == slug else public_cache_version(slug)
        key = page_key(request, reads, version)
        cache = caches["public_pages"]
        response = cache.get(key)
        if response is None:
            response = _render_once(cache, key, lambda: view(request, *args, **kwargs))
        if response.status_code == 200 and not response.streaming:
            response.public_cache = Kept(version, request.META["QUERY_STRING"], slug)
        return response

    return wrapper


class Kept(NamedTuple):
    """Under which public version (of which plan: its slug, or None for the site's) and
    (read) query string a response was cached."""

    version: str
    query: str
    plan: str | None


def page_key(request, reads, version=None, plan=None) -> str:
    """The cache key of a public response: version (by default the current one of
    ``plan``, a slug, or of the site), language, path and read parameters, and without
    SITE_ORIGIN the request's origin, which pages then print (site_origin)."""
    query = _read_query(request, reads)
    origin = "" if settings.SITE_ORIGIN else f"{request.scheme}://{request.get_host()}"
    digest = hashlib.sha256(f"{origin}{request.path}?{query}".encode()).hexdigest()
    if version is None:
        version = public_cache_version(plan)
    return f"yumeplan:public:{version}:{get_language()}:{digest}"


class PublicPageMiddleware:
    """Answer a public page this process served before, ahead of the rest of the stack.

    In MIDDLEWARE after the security headers and WhiteNoise, before the session: a GET
    without a session cookie, for a URL (origin, path, query string) whose answer this
    process kept under the current public version (its plan's, or the site's), is answered
    here, from one read of that version (one MGET in Redis, or one query of the database
    without it): no session, sign-in, URL resolving, view or template. What is kept is what the stack below answered the first time (status,
    headers, body), so the Content-Language, Vary and X-Frame-Options of a copy are those of
    the first answer; the middleware above add theirs (CSP, the security headers, the
    request log) to every answer alike. A publication is served on the next request, as
    by ``cached_public``: the version is read for each one.

    An answer is kept only when ``cached_public`` served it (never a staff page, an error
    or a streamed download), set no cookie and does not vary by cookie, and when the query
    string holds exactly the parameters the view reads (in any order): other queries go
    through the stack, where the decorator answers them from the shared cache without a new
    entry. One copy per URL, the latest version's, in "public_pages_local" (this process's
    memory, bounded in bytes). A request with a session cookie (a signed-in member of staff)
    always goes through the stack, which moves the session's idle expiry on.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # CommonMiddleware refuses these user agents; a copy answered here would not.
        self.enabled = not settings.DISALLOWED_USER_AGENTS

    def __call__(self, request):
        address = self._address(request) if self.enabled else None
        if address is None:
            return self.get_response(request)
        local = caches["public_pages_local"]
        key = hashlib.sha256("?".join(address).encode()).hexdigest()
        page = local.get(key)
        if page is not None:
            version = public_cache_version(page.plan)
            if page.version == version:
                return page.response()
            request.public_cache_version = (page.plan, version)  # not to be read again
        response = self.get_response(request)
        kept = getattr(response, "public_cache", None)
        if (
            kept is not None
            and kept.query == address[1]
            and response.status_code == 200
            and not response.cookies
            and "cookie" not in response.get("Vary", "").lower()
        ):
            local.set(key, KeptPage.of(response), timeout=settings.PUBLIC_CACHE_TIMEOUT)
        return response

    @staticmethod
    def _address(request) -> tuple[str, str] | None:
        """``scheme://host/path`` and the query string with its parameters sorted, or None
        for a request that is not to be answered from a copy."""
        if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        try:
            origin = f"{request.scheme}://{request.get_host()}"
        except DisallowedHost:
            return None  # the stack answers 400
        query = ""
        if request.META.get("QUERY_STRING"):
            query = urlencode(sorted((n, v) for n, vs in request.GET.lists() for v in vs))
        return f"{origin}{request.path}", query


class KeptPage(NamedTuple):
    """A public answer as the stack below PublicPageMiddleware gave it."""

    version: str
    plan: str | None
    status: int
    headers: tuple
    content: bytes

    @classmethod
    def of(cls, response) -> "KeptPage":
        return cls(
            response.public_cache.version,
            response.public_cache.plan,
            response.status_code,
            tuple(response.items()),
            response.content,
        )

    def response(self) -> HttpResponse:
        return HttpResponse(self.content, status=self.status, headers=dict(self.headers))


def site_origin(request) -> str:
    """Where the site's absolute URLs start: SITE_ORIGIN, or else the request's own origin
    (which the cache key then includes)."""
    return settings.SITE_ORIGIN or f"{request.scheme}://{request.get_host()}"


def absolute_url(request, path: str) -> str:
    return f"{site_origin(request)}{path}"


def _read_query(request, reads) -> str:
    return urlencode([(name, request.GET[name]) for name in sorted(reads) if name in request.GET])


def _keep_read_parameters(request, reads) -> None:
    """Leave the request only the parameters the view reads, so that whatever the page
    prints of its own URL (the language switch) is the same for every request of its key."""
    query = _read_query(request, reads)
    request.META["QUERY_STRING"] = query
    request.GET = QueryDict(query)


def _render_once(cache, key, render):
    """Render and store the response, unless another worker is at it: then wait for its."""
    lock = f"{key}:rendering"
    owner = cache.add(lock, 1, timeout=RENDER_WAIT_SECONDS)
    if not owner:
        response = _wait_for_render(cache, key, lock)
        if response is not None:
            return response
    try:
        start = time.perf_counter()
        response = render()
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render"):
                response.render()
            cache.set(key, response, timeout=settings.PUBLIC_CACHE_TIMEOUT)
            duration_ms = round((time.perf_counter() - start) * 1000, 1)
            logger.info(
                "rendered %s in %sms",
                key,
                duration_ms,
                extra={"cache_key": key, "duration_ms": duration_ms},
            )
    finally:
        if owner:
            cache.delete(lock)
    return response


def _wait_for_render(cache, key, lock):
    """The response another worker is rendering, or None once it gave up (a 404, an error)
    or took longer than RENDER_WAIT_SECONDS."""
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(RENDER_POLL_SECONDS)
        response = cache.get(key)
        if response is not None:
            return response
        if not cache.has_key(lock):
            return cache.get(key)  # stored just before the lock went, or None
    return None


class BoundedLocMemCache(LocMemCache):
    """Django's per-process memory cache, bounded in bytes as well as in entries.

    OPTIONS: MAX_BYTES (the pickled sizes of all entries together) and MAX_ENTRY_BYTES (a
    larger entry is not kept: a quarter of MAX_BYTES by default). The least recently used
    entries make room for a new one.
    """

    def __init__(self, name, params):
        super().__init__(name, params)
        options = params.get("OPTIONS", {})
        self._max_bytes = int(options.get("MAX_BYTES", 128 * 2**20))
        self._max_entry_bytes = int(options.get("MAX_ENTRY_BYTES", self._max_bytes // 4))
        self._sizes = _sizes.setdefault(name, {})

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        self._delete(key)
        if len(value) > self._max_entry_bytes:
            return
        total = sum(self._sizes.values())
        while self._cache and (
            len(self._cache) >= self._max_entries or total + len(value) > self._max_bytes
        ):
            oldest = next(reversed(self._cache))
            total -= self._sizes.get(oldest, 0)
            self._delete(oldest)
        super()._set(key, value, timeout)
        self._sizes[key] = len(value)

    def _delete(self, key):
        self._sizes.pop(key, None)
        return super()._delete(key)

    def clear(self):
        with self._lock:
            self._sizes.clear()
        super().clear()

    def total_bytes(self) -> int:
        with self._lock:
            return sum(self._sizes.values())


_sizes: dict[str, dict[str, int]] = {}
