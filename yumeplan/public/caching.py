"""Public responses are cached until the next publication moves the public version on."""

import hashlib
from functools import wraps

from django.core.cache import caches
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from indicators.cache import public_cache_version


def cached_public(view):
    """Cache a public GET response until the next publication bumps the public version.

    Keyed by the public version, the active language and the full path (with the query
    string), so every filter state and each language is cached on its own. Only complete
    200 responses are kept; public pages carry no CSRF token or per-user content.
    """

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"yumeplan:public:{public_cache_version()}:{get_language()}:{path}"
        cache = caches["public_pages"]
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                if hasattr(response, "render"):
                    response.render()
                cache.set(key, response, timeout=None)
        return response

    return wrapper
