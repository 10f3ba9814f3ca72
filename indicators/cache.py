"""The versions of what the public sees; public pages and the API cache under them.

Whatever changes what citizens see calls ``bump_public_cache()`` inside its transaction:
the publication services do it explicitly (they write with bulk queries, which send no
signals), and ``indicators.signals`` does it for every save or delete of the plan's
structure, indicators, official statuses and highlights (the admin, the shell, fixtures).

There are several numbers, each a row of ``PublicVersion`` in the database (its scope),
so that a publication reaches every worker process on its next request, whatever cache
backend holds the pages:
- ``SITE`` moves on with every change: the plan-independent pages (the home page, the
  list of plans, the API's list of plans, the catalogue, the sitemap) cache under it;
- ``ALL_PLANS`` moves on with a change that may touch any plan (the signals, imports);
- ``plan:<slug>`` moves on when that plan's figures are published (the workflow names
  the plans it published).
A plan's pages cache under ``ALL_PLANS`` and the plan's own number, so a publication of
one plan renders that plan's pages again, and no other plan's.

With a shared cache (``settings.PUBLIC_CACHE_SHARED``: Redis) the numbers are also kept
there, so that a cached page costs no database query: each bump raises them once its
transaction has committed, before the publishing request answers; a page reads its two
numbers with one MGET. The database stays the source of truth: a missing number is read
from it. The shared numbers only ever rise (``_raise_shared_versions``), so a reader that
read the database just before a publication committed cannot put an older number back.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import PublicVersion

SITE = ""
ALL_PLANS = "*"
SHARED_KEY = "public-version"

# For each i, set KEYS[i] to ARGV[i] unless it already holds as much or more; answer the
# values kept.
RAISE_TO = """
local kept = {}
for i, key in ipairs(KEYS) do
  local current = tonumber(redis.call('GET', key))
  local wanted = tonumber(ARGV[i])
  if current == nil or current < wanted then
    redis.call('SET', key, ARGV[i])
    current = wanted
  end
  kept[i] = current
end
return kept
"""


def plan_scope(slug: str) -> str:
    return f"plan:{slug}"


def scopes_of(plan: str | None) -> tuple[str, ...]:
    """The numbers a page depends on: those of its plan (a slug), or the site's."""
    return (ALL_PLANS, plan_scope(plan)) if plan else (SITE,)


def stored_versions(scopes: tuple[str, ...]) -> tuple[int, ...]:
    """The numbers in the database (0 for a scope never bumped): one query."""
    found = dict(PublicVersion.objects.filter(scope__in=scopes).values_list("scope", "number"))
    return tuple(found.get(scope, 0) for scope in scopes)


def stored_public_version() -> int:
    """The site's number in the database."""
    return stored_versions((SITE,))[0]


def public_cache_version(plan: str | None = None) -> str:
    """The version the pages of ``plan`` (a slug; None: plan-independent pages) cache
    under: from the shared cache when there is one (one round trip to Redis), else the
    database (one query)."""
    scopes = scopes_of(plan)
    if not settings.PUBLIC_CACHE_SHARED:
        numbers = stored_versions(scopes)
    else:
        client, keys = _shared_client(scopes)
        values = client.mget(keys)
        if None in values:
            numbers = _raise_shared_versions(scopes, stored_versions(scopes))
        else:
            numbers = tuple(int(value) for value in values)
    return ".".join(str(number) for number in numbers)


def bump_public_cache(plans: Iterable[str] | None = None) -> None:
    """Move the public version on, in the caller's transaction (or at once outside one).

    ``plans``: the slugs of the only plans whose public content changed (a publication of
    their figures); without it, any plan's may have. The site's number moves on either way.
    """
    plans = sorted(set(plans or ()))
    scopes = (SITE, *(plan_scope(slug) for slug in plans)) if plans else (SITE, ALL_PLANS)
    rows = PublicVersion.objects.filter(scope__in=scopes)
    if rows.update(number=F("number") + 1, changed_at=timezone.now()) < len(scopes):
        # The first bump of a scope: make its row (or find the one another transaction
        # just made), then move them all on again. A number moved twice is still new.
        for scope in scopes:
            PublicVersion.objects.get_or_create(scope=scope, defaults={"number": 0})
        rows.update(number=F("number") + 1, changed_at=timezone.now())
    if settings.PUBLIC_CACHE_SHARED:
        transaction.on_commit(lambda: _raise_shared_versions(scopes, stored_versions(scopes)))


def last_changed_at(plan: str | None = None):
    """When the public content of ``plan`` (or of the site) last changed, or None."""
    found = PublicVersion.objects.filter(scope__in=scopes_of(plan)).order_by("-changed_at")
    return found.values_list("changed_at", flat=True).first()


def _raise_shared_versions(scopes: tuple[str, ...], numbers: tuple[int, ...]) -> tuple:
    """Raise each shared number to the one given (never lower it), atomically in Redis."""
    client, keys = _shared_client(scopes)
    return tuple(int(kept) for kept in client.eval(RAISE_TO, len(keys), *keys, *numbers))


def _shared_client(scopes: tuple[str, ...]):
    """A redis-py client of the default cache and the numbers' keys in it, made once per
    cache object (Django's backend makes a new client, and its table of ~170 reply
    callbacks, for every command: a third of a cached page's CPU time). Django's Redis
    backend stores integers as plain numbers: the script compares them, ``int`` reads them.
    The client shares the backend's connection pool, which redis-py renews after a fork.
    Each thread has its own cache object (Django's caches are per thread)."""
    cache = caches["default"]
    shared = getattr(cache, "_public_version_client", None)
    if shared is None:
        client = cache._cache.get_client(SHARED_KEY, write=True)
        shared = cache._public_version_client = (client, {})
    client, keys = shared
    if scopes not in keys:
        names = [f"{SHARED_KEY}:{scope}" if scope else SHARED_KEY for scope in scopes]
        keys[scopes] = [cache.make_and_validate_key(name) for name in names]
    return client, keys[scopes]
