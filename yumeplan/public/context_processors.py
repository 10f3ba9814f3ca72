"""What every page shows: who runs the site and how to reach them (the footer), and where
its absolute URLs start."""

from django.conf import settings

from .caching import site_origin as origin_of


def site_operator(request):
    operator = settings.SITE_OPERATOR
    contact = operator["contact"]
    is_page = contact.startswith(("https://", "http://"))
    is_mail = not is_page and "@" in contact and ":" not in contact
    href = contact if is_page else f"mailto:{contact}" if is_mail else ""
    return {
        "site_operator": {
            "name": operator["name"],
            "contact": contact,
            "contact_href": href,
        }
    }


def site_origin(request):
    """``site_origin``: SITE_ORIGIN, or the request's origin, for canonical and alternate
    links (never the origin of whichever request filled a cached page: see caching)."""
    return {"site_origin": origin_of(request)}
