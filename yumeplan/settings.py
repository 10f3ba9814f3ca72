"""Settings for Yumeplan, read from the environment.

DATABASE_URL  database (default: SQLite file ``db.sqlite3`` in the project folder);
              PostgreSQL as ``postgres://user@host:5432/name``, with psycopg's connection
              pool unless ``?pool=false`` is added (DATABASE_POOL_SIZE per process, 4).
REDIS_URL     a shared cache for several app servers (``redis://host:6379/0``).
SECRET_KEY    required unless DEBUG is on.
DEBUG         "1"/"true" turns on development mode.
ALLOWED_HOSTS comma-separated host names (default with DEBUG: localhost names only).
TRUSTED_PROXY_COUNT  how many reverse proxies in front of the app append to
              X-Forwarded-For (default 0: the header is ignored, REMOTE_ADDR is the client).
OTP_REQUIRED_FOR_OFFICERS  "1" makes officers sign in with a second factor too (planners
              and superusers always do).
SESSION_IDLE_MINUTES  a signed-in session ends after this many minutes without a request
              (default 120), and when the browser closes.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable, "
            "or DEBUG=1 for local development only."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "yumeplan.apps.YumeplanAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "import_export",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "policies",
    "indicators",
    "yumeplan.public",
]

MIDDLEWARE = [
    "yumeplan.middleware.RequestLogMiddleware",  # first: times everything below
    "django.middleware.security.SecurityMiddleware",
    "yumeplan.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # a public page this process served before: answered here, before the session (caching)
    "yumeplan.public.caching.PublicPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "yumeplan.middleware.SecondFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is refused for LOGIN_LOCKOUT_MINUTES. Keyed by the pair, not
# the address alone, so one officer's typos never lock out a whole city hall behind one
# NAT address. Behind a reverse proxy REMOTE_ADDR is the proxy's: set TRUSTED_PROXY_COUNT to
# the number of proxies that append to X-Forwarded-For, and the client's address is read
# from there (yumeplan/client_address.py); with 0 the header is ignored, so a client cannot
# dodge the lock by sending one. Successful logins are kept in the admin's access log.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "yumeplan.views.login_locked_out"
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "yumeplan.client_address.client_address"

# Second factor (django-otp): planners and superusers, who approve and publish official
# figures, confirm each sign-in with a code from an authenticator app (TOTP) or a one-time
# recovery code (policies/second_factor.py, yumeplan/middleware.py). Officers too with
# OTP_REQUIRED_FOR_OFFICERS. Wrong codes are throttled by django-otp (1, 2, 4, … seconds).
OTP_REQUIRED_FOR_OFFICERS = env_bool("OTP_REQUIRED_FOR_OFFICERS", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Yumeplan")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Staff sessions end after SESSION_IDLE_MINUTES without a request (each request moves the
# expiry on) and when the browser closes. Public pages open no session.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "120")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

ROOT_URLCONF = "yumeplan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yumeplan.public.context_processors.site_operator",
                "yumeplan.public.context_processors.site_origin",
            ],
        },
    },
]

WSGI_APPLICATION = "yumeplan.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_health_checks=True,
    )
}

# --- Serving on one or several app servers (docs/deployment.md) -------------------------
# PostgreSQL connections come from psycopg's pool in each worker process unless DATABASE_URL
# says otherwise (``?pool=false``). The pool keeps one connection open and grows, to
# DATABASE_POOL_SIZE, only while threads of the process query at the same time (gunicorn's
# threads: gunicorn.conf.py sets it to GUNICORN_THREADS; commands, the test server).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    if _db_options.get("pool", True) is True:
        # CONN_HEALTH_CHECKS (on) makes the pool check each connection it hands out, so one
        # the server closed (a restart) is replaced, not given to a request.
        _db_options["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "4")),
            "timeout": 10,
        }
    if _db_options.get("pool"):
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections

# Public pages and the API are cached until the next publication (indicators/cache.py),
# under the public version; a page is rendered by one worker while the others wait for it
# (yumeplan.public.caching). With REDIS_URL every worker of every app server shares the
# pages and the version; without it each process keeps its own pages, bounded in bytes.
# Each process also keeps a copy of the public pages it answered ("public_pages_local",
# one per URL), which PublicPageMiddleware serves to the next visitor of the URL after one
# read of the version. A process's cached pages take PUBLIC_CACHE_MAX_MB at most (the
# copies, and without Redis its own pages, half each). Pages have their own caches so that
# culling many search URLs evicts nothing else.
REDIS_URL = os.environ.get("REDIS_URL", "")
PUBLIC_CACHE_SHARED = bool(REDIS_URL)
# Seconds a cached page lives at most; pages of an old version are never read again.
PUBLIC_CACHE_TIMEOUT = int(os.environ.get("PUBLIC_CACHE_TIMEOUT", str(24 * 3600)))
_PAGE_BYTES = int(os.environ.get("PUBLIC_CACHE_MAX_MB", "128")) * 2**20


def _pages_in_memory(location: str, max_bytes: int) -> dict:
    return {
        "BACKEND": "yumeplan.public.caching.BoundedLocMemCache",
        "LOCATION": location,
        "OPTIONS": {"MAX_ENTRIES": 2000, "MAX_BYTES": max_bytes},
    }


if REDIS_URL:
    _REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    CACHES = {
        "default": {**_REDIS, "KEY_PREFIX": "yumeplan"},
        "public_pages": {**_REDIS, "KEY_PREFIX": "yumeplan-pages"},
        "public_pages_local": _pages_in_memory("public-pages-local", _PAGE_BYTES),
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "public_pages": _pages_in_memory("public-pages", _PAGE_BYTES // 2),
        "public_pages_local": _pages_in_memory("public-pages-local", _PAGE_BYTES // 2),
    }

# Absolute URLs in public pages and the API (which are cached and shared by all visitors)
# start with this origin, never with the Host of the request that filled the cache;
# unset, they are relative. Example: https://plan.city.example.lg.jp
SITE_ORIGIN = os.environ.get("SITE_ORIGIN", "").rstrip("/")
# --- end of serving -------------------------------------------------------------------------

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "admin:login"

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Where the proxy does not redirect to HTTPS itself; /healthz and /readyz stay reachable
    # by HTTP.
    SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", False)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    # Turn on once the whole host (and, with HSTS_INCLUDE_SUBDOMAINS, its subdomains)
    # answers by HTTPS only: browsers remember it for HSTS_SECONDS.
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "0"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The Content-Security-Policy every response carries: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Logs go to standard error: one line per request (yumeplan.middleware.RequestLogMiddleware,
# with status and duration), as JSON objects when LOG_JSON is on.
LOG_JSON = env_bool("LOG_JSON", False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "yumeplan.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if LOG_JSON else "text"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # the request log replaces django.request's warnings for 4xx answers
        "django.request": {"level": "ERROR"},
        # WeasyPrint logs each step of a PDF's layout at INFO; keep its warnings only.
        "weasyprint": {"level": "WARNING"},
    },
}

# Mail (reminders of missing figures): EMAIL_BACKEND from the environment, the console in
# development. EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS
# and EMAIL_USE_SSL are Django's settings of the same names.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
# Days after a due date from which reminders are copied to the planners.
REMINDER_ESCALATION_DAYS = int(os.environ.get("REMINDER_ESCALATION_DAYS", "7"))

# Uploaded and imported files (indicators/file_limits.py, docs/security.md): every file is
# refused before it is parsed when it is over one of these. The admin screens and the
# import_plan command alike.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
UPLOAD_MAX_UNPACKED_BYTES = int(os.environ.get("UPLOAD_MAX_UNPACKED_BYTES", str(50 * 1024 * 1024)))
UPLOAD_MAX_XLSX_PARTS = int(os.environ.get("UPLOAD_MAX_XLSX_PARTS", "200"))
UPLOAD_MAX_ROWS = int(os.environ.get("UPLOAD_MAX_ROWS", "50000"))
UPLOAD_MAX_COLUMNS = int(os.environ.get("UPLOAD_MAX_COLUMNS", "100"))
UPLOAD_MAX_CELL_CHARS = int(os.environ.get("UPLOAD_MAX_CELL_CHARS", "10000"))
# A request's form fields (the entry screen's values and notes) and files kept in memory
# before Django spills them to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(
    os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(10 * 1024 * 1024))
)
FILE_UPLOAD_MAX_MEMORY_SIZE = int(
    os.environ.get("FILE_UPLOAD_MAX_MEMORY_SIZE", str(2 * 1024 * 1024 + 512 * 1024))
)
# Who runs the public site, shown in every footer and named as publisher in the data
# catalogue: SITE_OPERATOR_NAME (e.g. 金沢市 こども未来局), SITE_OPERATOR_CONTACT (a page's
# URL or a mail address).
SITE_OPERATOR = {
    "name": os.environ.get("SITE_OPERATOR_NAME", ""),
    "contact": os.environ.get("SITE_OPERATOR_CONTACT", ""),
}
