"""What every page's footer shows: who runs the site and how to reach them."""

from django.conf import settings


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
