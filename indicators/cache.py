"""The version of everything the public sees; public pages and the API cache under it.

Whatever changes what citizens see (publishing actuals, correcting a published figure,
editing the plan's structure) calls ``bump_public_cache()`` after its transaction commits,
so that every cached public page and API response is rebuilt on its next request.
"""

from django.core.cache import cache
from django.db import transaction

PUBLIC_VERSION_KEY = "yumeplan:public-version"


def public_cache_version() -> int:
    version = cache.get(PUBLIC_VERSION_KEY)
    if version is None:
        cache.add(PUBLIC_VERSION_KEY, 1, timeout=None)
        version = cache.get(PUBLIC_VERSION_KEY, 1)
    return version


def bump_public_cache() -> None:
    """Invalidate all public caches once the current transaction commits."""

    def bump():
        try:
            cache.incr(PUBLIC_VERSION_KEY)
        except ValueError:
            cache.set(PUBLIC_VERSION_KEY, 2, timeout=None)

    transaction.on_commit(bump)
