"""The version of everything the public sees; public pages and the API cache under it.

Whatever changes what citizens see calls ``bump_public_cache()`` inside its transaction:
the publication services do it explicitly (they write with bulk queries, which send no
signals), and ``indicators.signals`` does it for every save or delete of the plan's
structure, indicators, official statuses and highlights (the admin, the shell, fixtures).
The number is a row in the database (``PublicVersion``), so a publication reaches every
worker process on its next request, whatever cache backend holds the pages.
"""

from django.db.models import F
from django.utils import timezone

from .models import PublicVersion

VERSION_ROW = 1


def public_cache_version() -> int:
    """The current version: one query, on the row that the bumps update."""
    version = PublicVersion.objects.filter(pk=VERSION_ROW).values_list("number", flat=True)
    return version.first() or 0


def bump_public_cache() -> None:
    """Move the public version on, in the caller's transaction (or at once outside one)."""
    updated = PublicVersion.objects.filter(pk=VERSION_ROW).update(
        number=F("number") + 1, changed_at=timezone.now()
    )
    if not updated:
        PublicVersion.objects.get_or_create(pk=VERSION_ROW, defaults={"number": 1})
