"""The version of everything the public sees; public pages and the API cache under it.

Whatever changes what citizens see calls ``bump_public_cache()`` inside its transaction:
the publication services do it explicitly (they write with bulk queries, which send no
signals), and ``indicators.signals`` does it for every save or delete of the plan's
structure, indicators, official statuses and highlights (the admin, the shell, fixtures).
The number is a row in the database (``PublicVersion``), so a publication reaches every
worker process on its next request, whatever cache backend holds the pages.

With a shared cache (``settings.PUBLIC_CACHE_SHARED``: Redis) the number is also kept
there, so that a cached page costs no database query: each bump raises it once its
transaction has committed, before the publishing request answers. The database stays the
source of truth: a missing number is read from it. The shared number only ever rises
(``_raise_shared_version``), so a reader that read the database just before a publication
committed cannot put the older number back.
"""

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import PublicVersion

VERSION_ROW = 1
SHARED_KEY = "public-version"

# Set KEYS[1] to ARGV[1] unless it already holds as much or more; answer the value kept.
RAISE_TO = """
local current = tonumber(redis.call('GET', KEYS[1]))
if current == nil or current < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
  return tonumber(ARGV[1])
end
return current
"""


def stored_public_version() -> int:
    """The version in the database: one query, on the row that the bumps update."""
    version = PublicVersion.objects.filter(pk=VERSION_ROW).values_list("number", flat=True)
    return version.first() or 0


def public_cache_version() -> int:
    """The current version: from the shared cache when there is one (one round trip to
    Redis), else the database (one query)."""
    if not settings.PUBLIC_CACHE_SHARED:
        return stored_public_version()
    client, key = _shared_client()
    number = client.get(key)
    if number is None:
        return _raise_shared_version(stored_public_version())
    return int(number)


def bump_public_cache() -> None:
    """Move the public version on, in the caller's transaction (or at once outside one)."""
    updated = PublicVersion.objects.filter(pk=VERSION_ROW).update(
        number=F("number") + 1, changed_at=timezone.now()
    )
    if not updated:
        PublicVersion.objects.get_or_create(pk=VERSION_ROW, defaults={"number": 1})
    if settings.PUBLIC_CACHE_SHARED:
        transaction.on_commit(lambda: _raise_shared_version(stored_public_version()))


def _raise_shared_version(number: int) -> int:
    """Raise the shared number to ``number`` (never lower it), atomically in Redis."""
    client, key = _shared_client()
    return int(client.eval(RAISE_TO, 1, key, number))


def _shared_client():
    """A redis-py client of the default cache and the number's key in it, made once per
    cache object (Django's backend makes a new client, and its table of ~170 reply
    callbacks, for every command: a third of a cached page's CPU time). Django's Redis
    backend stores integers as plain numbers: the script compares them, ``int`` reads them.
    The client shares the backend's connection pool, which redis-py renews after a fork."""
    cache = caches["default"]
    shared = getattr(cache, "_public_version_client", None)
    if shared is None:
        key = cache.make_and_validate_key(SHARED_KEY)
        shared = cache._public_version_client = (cache._cache.get_client(key, write=True), key)
    return shared
