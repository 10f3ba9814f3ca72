import logging
import time

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send the site's Content-Security-Policy on every response that has none yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


request_log = logging.getLogger("yumeplan.request")


class RequestLogMiddleware:
    """One log line per request: method, path (without the query string), status, duration
    and size; as JSON fields with LOG_JSON=1 (yumeplan.logs)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - start) * 1000, 1)
        size = None if response.streaming else len(response.content)
        request_log.info(
            "%s %s %s %sms %sB",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            size,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "bytes": size,
            },
        )
        return response
