"""Settings for unumn, read from the environment (see .env.example).

With no ``DATABASE_URL`` the site runs on SQLite under ``var/``; with
``DATABASE_URL=postgres://...`` it runs on PostgreSQL through psycopg 3.
``DEBUG`` is off unless set; ``SECRET_KEY`` is then required.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "csp",
    "django_filters",
    "taggit",
    "reversion",
    "axes",
    "unumn",
    "projects",
    "publications",
    "events",
]

MIDDLEWARE = [
    "unumn.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that reads the session or the database: a kept page is served
    # from here (unumn/pagecache.py).
    "unumn.pagecache.PageCacheMiddleware",
    "unumn.db.ReplicaFallbackMiddleware",
    "unumn.middleware.CleanParametersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "unumn.middleware.PermissionsPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "unumn.urls"
WSGI_APPLICATION = "unumn.wsgi.application"

TEMPLATES = [
    # The public pages: Jinja2 (unumn/jinja2.py), from templates/ and apps' jinja2/ folders.
    {
        "BACKEND": "unumn.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "unumn.jinja2.environment",
            "context_processors": ["unumn.context_processors.site"],
        },
    },
    # The admin and the sitemap: Django's templates, from apps' templates/ folders
    # (the site's admin templates are in unumn/templates/admin/).
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A database that does not answer must not hold a worker: connections give up after
# DB_CONNECT_TIMEOUT seconds and statements after DB_STATEMENT_TIMEOUT milliseconds
# (the site then answers 503, unumn/errors.py). Long commands (migrate, the content
# load, seeding, reindexing) lift the statement limit for themselves (unumn/db.py).
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
DB_STATEMENT_TIMEOUT = int(os.environ.get("DB_STATEMENT_TIMEOUT", "15000"))

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # WAL lets the development server read while the content command writes; a write
    # waits DB_CONNECT_TIMEOUT seconds for a lock, then the editor gets the form back.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": DB_CONNECT_TIMEOUT,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's default cost of a random page read (4) assumes spinning disks and
    # steers facet counts away from index lookups; 1.1 is the usual value for SSDs
    # or a database that fits in memory.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=DB_CONNECT_TIMEOUT,
        options=(
            f"-c random_page_cost={os.environ.get('PG_RANDOM_PAGE_COST', '1.1')}"
            f" -c statement_timeout={DB_STATEMENT_TIMEOUT}"
        ),
    )

# Several hosts (deploy/): PgBouncer in transaction mode in front of PostgreSQL
# (DB_POOLED: a connection may change between transactions, so no server-side cursors
# and no prepared statements), and a streaming replica for public reads
# (DATABASE_REPLICA_URL; unumn/db.py routes to it and falls back to the primary).
DB_POOLED = env_bool("DB_POOLED")
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"],
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["unumn.db.PrimaryReplicaRouter"]
for database in DATABASES.values():
    if DB_POOLED and database["ENGINE"] == "django.db.backends.postgresql":
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        database["OPTIONS"]["prepare_threshold"] = None
# Seconds the replica may lag before public reads go to the primary.
REPLICA_MAX_LAG = float(os.environ.get("REPLICA_MAX_LAG", "5"))

# The cache: Redis shared by every host when REDIS_URL is set (django-redis); a Redis
# that does not answer counts as a cache miss, never an error. Without it, each process
# keeps its own (development, one host). Pages for anonymous visitors are kept in it
# (unumn/pagecache.py), keyed by the content version (unumn/versions.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "unumn"),
            "TIMEOUT": 60 * 60 * 24,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
                "COMPRESSOR": "django_redis.compressors.zlib.ZlibCompressor",
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "unumn.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "unumn",
            "TIMEOUT": 60 * 60 * 24,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }
PAGE_CACHE = env_bool("PAGE_CACHE", True)
# Seconds browsers and nginx may reuse a page without asking (never past the next
# scheduled entry's time); 0: they ask every time, and get a 304 when it is unchanged.
PAGE_MAX_AGE = int(os.environ.get("PAGE_MAX_AGE", "0"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Files that entries carry (unumn/files.py) go through Django's storage API: the file
# system under MEDIA_ROOT, or an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set
# (django-storages; `pip install .[s3]`; keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
# the endpoint from AWS_S3_ENDPOINT_URL). Downloads always go through the site
# (/files/<id>/<name>), which checks that the entry is public: the bucket stays private.
DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# What editors may attach to entries (told apart by content: unumn/files.py), and how
# large. More types by their magic bytes: FILE_TYPES_EXTRA = {"png": ("image/png",
# "PNG image", [b"\x89PNG\r\n\x1a\n"])}, then name them in FILE_TYPES_ALLOWED.
FILE_TYPES_ALLOWED = env_list("FILE_TYPES_ALLOWED", "pdf,docx,xlsx,pptx,csv,zip")
FILE_TYPES_EXTRA = {}
FILE_UPLOAD_MAX_SIZE = int(os.environ.get("FILE_UPLOAD_MAX_SIZE") or 50 * 1024 * 1024)

TAGGIT_CASE_INSENSITIVE = True

# Content-Security-Policy: everything from this site only, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Security: strict by default, relaxed only for local development.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Off only on a loopback stack served over plain HTTP (deploy/stack).
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Admin login protection (django-axes): after 5 failed attempts for one user name
# from one address, logins are refused for an hour with a clear message.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "unumn.admin.locked_out"
# The user name as the lockout table keeps it: clean, and no longer than its column.
AXES_USERNAME_CALLABLE = "unumn.admin.login_username"
AXES_RESET_ON_SUCCESS = True
# Behind PROXY_COUNT proxies (nginx: 1) the visitor's address is the last one they add
# to X-Forwarded-For; without it every attempt would come from the proxy's address.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
if PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_VERBOSE = False

# Sessions end at logout, after twelve hours, and (Django's session hash) when the
# password changes; editors' browsers forget them when closed.
CSRF_FAILURE_VIEW = "unumn.errors.csrf_failure"
SESSION_ENGINE = "unumn.sessions"  # malformed cookies count as none (unumn/sessions.py)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 60 * 60 * 12

# LOG_FORMAT=json: one JSON object a line, with the request's id (unumn/logs.py).
# Mail (review notifications, unumn/review.py): printed to the console in development,
# sent by SMTP when EMAIL_HOST is set.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "unumn <noreply@localhost>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "unumn.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "unumn.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if os.environ.get("LOG_FORMAT") == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO; failures and lockouts are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}

SITE_NAME = "UNU Migration Network"
