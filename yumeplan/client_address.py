"""The address of the client, for django-axes' login lock (AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the address the outermost
    one saw. Each proxy appends the address it was called from to X-Forwarded-For, so with
    N proxies the client is the N-th entry from the right; anything left of it was sent by
    the client and is not trusted. A request with fewer entries did not pass through every
    proxy: its REMOTE_ADDR is used."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [entry for entry in entries if entry]
    if len(entries) < count:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-count]))
    except ValueError:
        return remote
