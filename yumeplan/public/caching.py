"""Public responses are cached until the next publication moves the public version on."""

import hashlib
import logging
import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.http import QueryDict
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from indicators.cache import public_cache_version

logger = logging.getLogger("yumeplan.public.cache")

# A worker that finds another rendering the same page waits for it, polling, this long at
# most; then renders it itself (the other may have died). Renders take well under this.
RENDER_WAIT_SECONDS = 15
RENDER_POLL_SECONDS = 0.02


def cached_public(view=None, *, reads=()):
    """Cache a public GET response until the next publication bumps the public version.

    ``@cached_public`` or ``@cached_public(reads=("q", "page"))``, naming the query
    parameters the view reads: the key is the public version, the active language, the
    path and those parameters only (in a fixed order), so a query string the view ignores
    neither renders the page again nor adds an entry. Only complete 200 responses are kept;
    public pages carry no CSRF token or per-user content. One worker renders a page while
    the others (on every app server, with a shared cache) wait for it. With a shared cache,
    each process also keeps the pages it served in its memory ("public_pages_local"): the
    key names the version, so such a copy is never stale, and a page read again costs one
    round trip to Redis (the version) instead of two.
    """
    if view is None:
        return lambda view: cached_public(view, reads=reads)

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        _keep_read_parameters(request, reads)
        key = page_key(request, reads)
        local = caches["public_pages_local"] if settings.PUBLIC_CACHE_SHARED else None
        response = local.get(key) if local is not None else None
        if response is None:
            cache = caches["public_pages"]
            response = cache.get(key)
            if response is None:
                response = _render_once(cache, key, lambda: view(request, *args, **kwargs))
            if local is not None and response.status_code == 200 and not response.streaming:
                local.set(key, response, timeout=settings.PUBLIC_CACHE_TIMEOUT)
        return response

    return wrapper


def page_key(request, reads) -> str:
    """The cache key of a public response: version, language, path and read parameters,
    and without SITE_ORIGIN the request's origin, which pages then print (site_origin)."""
    query = _read_query(request, reads)
    origin = "" if settings.SITE_ORIGIN else f"{request.scheme}://{request.get_host()}"
    digest = hashlib.sha256(f"{origin}{request.path}?{query}".encode()).hexdigest()
    return f"yumeplan:public:{public_cache_version()}:{get_language()}:{digest}"


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
