"""Settings for gongzhi: every value comes from the environment, read once here.

Defaults are safe for the demo (SQLite under var/, a secret key generated into var/ on first
use, DEBUG off). A production deployment sets DATABASE_URL, REDIS_URL, SECRET_KEY (or
SECRET_KEY_FILE), ALLOWED_HOSTS and GONGZHI_HTTPS=1; `gongzhi check --deploy` is then clean.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("GONGZHI_VAR_DIR", BASE_DIR.parent / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Refuses anything but the usual spellings, so a typo never silently turns a switch off."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def tile_sources(template: str) -> list[str]:
    """What the Content-Security-Policy must allow as images for a map tile URL template: its
    origin, with Leaflet's {s} subdomains as a wildcard; nothing for none or a path on this
    site. A template that is not an http(s) URL is refused."""
    if not template or template.startswith("/"):
        return []
    parts = urlsplit(template.replace("{s}", "*"))
    if parts.scheme not in {"http", "https"} or not parts.netloc or "{" in parts.netloc:
        raise ImproperlyConfigured(f"GONGZHI_MAP_TILES={template!r} is not an http(s) tile URL template")
    return [f"{parts.scheme}://{parts.netloc}"]


def _secret_key() -> str:
    """SECRET_KEY, SECRET_KEY_FILE, or a random key kept in var/ so sessions survive restarts."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if os.environ.get("SECRET_KEY_FILE"):
        return Path(os.environ["SECRET_KEY_FILE"]).read_text().strip()
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "gongzhi.common.admin_apps.GongzhiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "csp",
    "django_ratelimit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "gongzhi.common",
    "gongzhi.audit",
    "gongzhi.areas",
    "gongzhi.accounts",
    "gongzhi.orgs",
    "gongzhi.directory",
    "gongzhi.workcalendar",
    "gongzhi.notifications",
    "gongzhi.registry",
    "gongzhi.cases",
    "gongzhi.deliberation",
    "gongzhi.workbench",
    "gongzhi.portal",
    "gongzhi.dashboard",
    "gongzhi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gongzhi.common.middleware.LanguageMiddleware",
    "gongzhi.common.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gongzhi.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gongzhi.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Machine clients (Open311, with an api_key) use no session, sign-in, message or page: their
# paths take this shorter stack (common/machine.py, wired in wsgi.py).
GONGZHI_MACHINE_PATHS = ("/open311/",)
GONGZHI_MACHINE_URLCONF = "gongzhi.machine_urls"
GONGZHI_MACHINE_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gongzhi.common.machine.MachineHeadersMiddleware",
    "gongzhi.audit.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "gongzhi.urls"
WSGI_APPLICATION = "gongzhi.wsgi.application"

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
                "gongzhi.workbench.context.navigation",
            ],
        },
    },
]

# SQLite under var/ is the embedded default; PostgreSQL in production (DATABASE_URL=postgres://…).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'gongzhi.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; the timeout waits for it instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The platform's statements are short: compiling them (PostgreSQL's JIT, on by default) costs
    # more than it saves, e.g. 70 of 230 ms summing a city's month of rollups.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    # Statements are prepared on the server only where the code asks (execute(..., prepare=True):
    # intake's four-write statement, parsed and planned once per connection instead of at every
    # report). Django's leaves psycopg's threshold at None, which prepares nothing, not even those.
    # DATABASE_PREPARED_STATEMENTS=off behind a pooler that cannot keep them (PgBouncer before
    # 1.21, or without max_prepared_statements, in transaction mode).
    options.setdefault("prepare_threshold", 2**31 - 1 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (imports, sweeps): the database queue by default, run by `gongzhi db_worker`;
# GONGZHI_TASKS=immediate runs tasks in the request (tests, one-off scripts).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("GONGZHI_TASKS") == "immediate"
        else "django_tasks_db.DatabaseBackend",
        # "default": SMS codes, notices, sweeps; "imports": imports, in their own worker so that
        # urgent work never waits behind one (common/worker.py).
        "QUEUES": ["default", "imports"],
    }
}

AUTH_USER_MODEL = "accounts.User"
# Axes first: a locked-out account or address is refused before its password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "gongzhi.accounts.backends.RoleBackend"]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/w/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gongzhi.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "gongzhi.accounts.passwords.NotUsernameValidator"},
    {"NAME": "gongzhi.accounts.passwords.HistoryValidator"},
]
# The audit log is kept this many days, then pruned daily (never less than 180: the
# Cybersecurity Law's floor for network logs; a lower value is raised to 180).
GONGZHI_AUDIT_RETENTION_DAYS = env_int("GONGZHI_AUDIT_RETENTION_DAYS", 365)
# Records past their purpose lose what identifies a person (checked daily; 0: never): people
# this many days after moving out or dying, and the reporter's name and phone on cases this
# many days after they closed.
GONGZHI_DEIDENTIFY_PEOPLE_AFTER_DAYS = env_int("GONGZHI_DEIDENTIFY_PEOPLE_AFTER_DAYS", 3 * 365)
GONGZHI_CASE_CONTACT_RETENTION_DAYS = env_int("GONGZHI_CASE_CONTACT_RETENTION_DAYS", 2 * 365)
# 可信验证: the signed manifest of the application's files (`gongzhi integrity seal` after each
# install), measured again daily; keep it where the application's own account cannot write.
GONGZHI_INTEGRITY_MANIFEST = os.environ.get("GONGZHI_INTEGRITY_MANIFEST", str(VAR_DIR / "integrity.manifest"))
# Stored downloads (an import's error workbook) can be fetched this many days, then are deleted.
GONGZHI_DOWNLOAD_DAYS = env_int("GONGZHI_DOWNLOAD_DAYS", 7)
# The public portal: the area it serves (default: the first city), how often one address may
# file a report, and a map tile URL template ("https://…/{z}/{x}/{y}.png"; none: outlines only).
GONGZHI_PORTAL_AREA = os.environ.get("GONGZHI_PORTAL_AREA", "")
GONGZHI_PORTAL_RATE_PER_ADDRESS = os.environ.get("GONGZHI_PORTAL_RATE_PER_ADDRESS", "20/h")
GONGZHI_MAP_TILES = os.environ.get("GONGZHI_MAP_TILES", "")
# Residents prove who they are on the portal by a code sent to a phone the register holds for
# them: so many codes per number an hour; the proof lasts this many hours in their browser.
GONGZHI_PORTAL_CODES_PER_PHONE = os.environ.get("GONGZHI_PORTAL_CODES_PER_PHONE", "5/h")
# Failed tries at following a case (/track/, /track/rate/): per case number and per address.
GONGZHI_TRACK_FAILURES_PER_CASE = os.environ.get("GONGZHI_TRACK_FAILURES_PER_CASE", "10/h")
GONGZHI_TRACK_FAILURES_PER_ADDRESS = os.environ.get("GONGZHI_TRACK_FAILURES_PER_ADDRESS", "30/h")
GONGZHI_RESIDENT_HOURS = env_int("GONGZHI_RESIDENT_HOURS", 2)
# Django's all-powerful superuser cannot sign in (it would hold all three admin powers at once).
GONGZHI_ALLOW_SUPERUSER = env_bool("GONGZHI_ALLOW_SUPERUSER", False)
# A password is refused after this many days and must be changed (0: passwords never expire).
GONGZHI_PASSWORD_MAX_DAYS = env_int("GONGZHI_PASSWORD_MAX_DAYS", 90)
# A reset of another person's password or authenticator waits this long for a second
# administrator's approval, then lapses (accounts/resets.py).
GONGZHI_CREDENTIAL_RESET_HOURS = env_int("GONGZHI_CREDENTIAL_RESET_HOURS", 24)

# Sign-in failures (django-axes): this many within the lock time lock the account, and
# separately the source address, for that long.
AXES_FAILURE_LIMIT = env_int("GONGZHI_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = env_int("GONGZHI_LOCKOUT_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USE_ATTEMPT_EXPIRATION = True  # a failure counts for the lock time, then no more
AXES_RESET_ON_SUCCESS = False  # one good sign-in from an address must not clear others' failures there
AXES_CLIENT_IP_CALLABLE = "gongzhi.audit.context.client_ip"
AXES_LOCKOUT_CALLABLE = "gongzhi.accounts.lockout.locked_out"
AXES_VERBOSE = False

# Two-factor sign-in (TOTP): "required" makes administrators and every role that may reveal a
# sealed value prove a second factor; "optional" (the demo) lets them enrol when they choose.
GONGZHI_TWO_FACTOR = os.environ.get("GONGZHI_TWO_FACTOR", "required")
if GONGZHI_TWO_FACTOR not in {"required", "optional"}:
    raise ImproperlyConfigured("GONGZHI_TWO_FACTOR must be required or optional")
OTP_TOTP_ISSUER = os.environ.get("GONGZHI_OTP_ISSUER", "gongzhi")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Chinese unless the person picks English in the switcher; 1 also follows the browser's language.
GONGZHI_LANGUAGE_FROM_BROWSER = env_bool("GONGZHI_LANGUAGE_FROM_BROWSER", False)
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from finders; it wants the folder
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = True

# A session ends after this long without a request, and in any case this long after sign-in.
GONGZHI_SESSION_IDLE_MINUTES = env_int("GONGZHI_SESSION_IDLE_MINUTES", 30)
GONGZHI_SESSION_MAX_HOURS = env_int("GONGZHI_SESSION_MAX_HOURS", 8)
SESSION_COOKIE_AGE = GONGZHI_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp 4): scripts, styles, fonts and data only from this site,
# no inline script or style anywhere (our pages keep behaviour in static/gongzhi/app.js), no
# framing. Images may be data: or blob: URLs (QR codes, photo previews), or map tiles from the
# server GONGZHI_MAP_TILES names.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *tile_sources(GONGZHI_MAP_TILES)],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Behind TLS (production) everything is HTTPS only.
HTTPS = env_bool("GONGZHI_HTTPS", False)
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Bounds on public endpoints (django-ratelimit, counted in the cache: Redis when REDIS_URL is
# set; the demo's single process counts in memory). Rates are "N/s|m|h|d".
RATELIMIT_IP_META_KEY = "gongzhi.audit.context.client_ip"
GONGZHI_OPEN311_RATE_PER_ADDRESS = os.environ.get("GONGZHI_OPEN311_RATE_PER_ADDRESS", "300/m")
GONGZHI_OPEN311_RATE_PER_KEY = os.environ.get("GONGZHI_OPEN311_RATE_PER_KEY", "1200/m")
if not REDIS_URL:
    # In-memory counts: right for the demo's one process (production sets REDIS_URL).
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# How many reverse proxies in front of us append to X-Forwarded-For (0: trust REMOTE_ADDR only).
GONGZHI_TRUSTED_PROXIES = env_int("GONGZHI_TRUSTED_PROXIES", 0)
# Grids may stick out of their community, or overlap each other, by this share of their area.
GONGZHI_GRID_TOLERANCE = float(os.environ.get("GONGZHI_GRID_TOLERANCE", "0.01"))
# Processes a large import of people runs on (PostgreSQL); 1 imports in turn.
GONGZHI_IMPORT_WORKERS = env_int("GONGZHI_IMPORT_WORKERS", os.cpu_count() or 1)
GONGZHI_IMPORT_PARALLEL_ROWS = env_int("GONGZHI_IMPORT_PARALLEL_ROWS", 10_000)  # smaller files: in turn
GONGZHI_IMPORT_CHUNK = env_int("GONGZHI_IMPORT_CHUNK", 2000)  # rows per transaction
# Bounds of one import file: what an .xlsx may inflate to, data rows, refused rows listed in the
# error workbook (the counts stay exact; the workbook says how many it leaves out).
GONGZHI_IMPORT_MAX_INFLATED_BYTES = env_int("GONGZHI_IMPORT_MAX_INFLATED_BYTES", 500 * 1024 * 1024)
GONGZHI_IMPORT_MAX_ROWS = env_int("GONGZHI_IMPORT_MAX_ROWS", 200_000)
GONGZHI_IMPORT_MAX_ERRORS = env_int("GONGZHI_IMPORT_MAX_ERRORS", 10_000)
# A running import that has committed nothing for this long, on a worker that cannot be seen
# (another host), is resumed by the scheduler; one whose worker process ended, at once.
GONGZHI_IMPORT_STALE_MINUTES = env_int("GONGZHI_IMPORT_STALE_MINUTES", 15)
# SMS/WeChat notices: "console" (written to the log) or "http" (POSTed to a gateway).
GONGZHI_NOTIFY_BACKEND = os.environ.get("GONGZHI_NOTIFY_BACKEND", "console")
GONGZHI_NOTIFY_HTTP_URL = os.environ.get("GONGZHI_NOTIFY_HTTP_URL", "")
GONGZHI_NOTIFY_HTTP_TOKEN = os.environ.get("GONGZHI_NOTIFY_HTTP_TOKEN", "")
# Largest photo accepted (bytes) and largest side kept (pixels; larger photos are scaled down).
GONGZHI_PHOTO_MAX_BYTES = env_int("GONGZHI_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
GONGZHI_PHOTO_MAX_SIDE = env_int("GONGZHI_PHOTO_MAX_SIDE", 2560)
# Pixels a photo may have (read from its header, before it is decoded) and all photos of one request.
GONGZHI_PHOTO_MAX_PIXELS = env_int("GONGZHI_PHOTO_MAX_PIXELS", 40_000_000)
GONGZHI_PHOTO_MAX_REQUEST_PIXELS = env_int("GONGZHI_PHOTO_MAX_REQUEST_PIXELS", 4 * GONGZHI_PHOTO_MAX_PIXELS)
# Office hours of working days, for deadlines counted in working hours (local time).
GONGZHI_OFFICE_HOURS = os.environ.get("GONGZHI_OFFICE_HOURS", "09:00-12:00,13:30-17:30")
# How often (seconds) a process checks whether another process changed the grids.
GONGZHI_GRID_RECHECK_SECONDS = env_int("GONGZHI_GRID_RECHECK_SECONDS", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # A database outage is one warning line per failed request, not a traceback each.
    "filters": {"outage": {"()": "gongzhi.common.resilience.OutageFilter"}},
    "loggers": {"django.request": {"filters": ["outage"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}


def _data_keys() -> tuple[str, str]:
    """GONGZHI_DATA_KEYS and GONGZHI_INDEX_KEY, or (demo only) keys generated into var/."""
    import base64
    import json

    data, index = os.environ.get("GONGZHI_DATA_KEYS", ""), os.environ.get("GONGZHI_INDEX_KEY", "")
    if data and index:
        return data, index
    if HTTPS:
        raise ImproperlyConfigured(
            "a deployment must set GONGZHI_DATA_KEYS and GONGZHI_INDEX_KEY (see docs/operations.md); "
            "generated demo keys would sit beside the data they protect"
        )
    keys = json.loads(_demo_secret("data_keys.json", lambda: json.dumps({
        "data": f"demo1:aes:{base64.b64encode(secrets.token_bytes(32)).decode()}",
        "index": base64.b64encode(secrets.token_bytes(32)).decode(),
    })))
    return data or keys["data"], index or keys["index"]


def _demo_secret(name: str, make) -> str:
    """(Demo only) the secret kept in var/NAME, made by `make()` on first use, readable by us alone."""
    key_file = VAR_DIR / name
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(make())
        key_file.chmod(0o600)
    return key_file.read_text()


# Sensitive fields (ID numbers, phones, passports): see gongzhi/common/crypto.py.
GONGZHI_DATA_KEYS, GONGZHI_INDEX_KEY = _data_keys()
GONGZHI_INDEX_ALGORITHM = os.environ.get("GONGZHI_INDEX_ALGORITHM", "blake2b")


def _audit_keys() -> str:
    """GONGZHI_AUDIT_KEYS, or (demo only) a key generated into var/: see gongzhi/audit/signing.py."""
    import base64

    keys = os.environ.get("GONGZHI_AUDIT_KEYS", "")
    if keys:
        return keys
    if HTTPS:
        raise ImproperlyConfigured(
            "a deployment must set GONGZHI_AUDIT_KEYS (see docs/operations.md); a key kept beside "
            "the audit log would let whoever can write the log re-chain it"
        )
    return _demo_secret("audit_keys", lambda: f"demo1:{base64.b64encode(secrets.token_bytes(32)).decode()}")


# The audit chain's HMAC keys ("kid:base64key,…", the first signs).
GONGZHI_AUDIT_KEYS = _audit_keys()
