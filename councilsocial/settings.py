"""Settings for councilsocial, read from the environment.

One module for every environment. A fresh checkout runs with no variables at all (SQLite under
``var/``, tasks run in-process); production sets the variables listed in README.md, and with
``DEBUG`` off the app refuses to start without ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """A boolean variable: only true/false, yes/no, on/off, 1/0 are accepted."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random value (or DEBUG=true for local use)."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"  # noqa: S105 - DEBUG only

# --- Connected accounts' secrets (issue 14): Fernet keys, the first encrypts, all decrypt ----------
# A second key is kept only while ``manage.py rekey_connections`` moves every stored secret to the first.
# With DEBUG on (and in the test suite) a fixed, published key is used: never for real tokens.
DEVELOPMENT_CONNECTION_KEY = "ZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQtMDAwMDA="  # noqa: S105 - DEBUG only
CONNECTION_KEYS = env_list("CONNECTION_KEYS", [])
if not CONNECTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "CONNECTION_KEYS is not set. Set it to a Fernet key (python -c 'from cryptography.fernet "
            "import Fernet; print(Fernet.generate_key().decode())'), or DEBUG=true for local use."
        )
    CONNECTION_KEYS = [DEVELOPMENT_CONNECTION_KEY]
for _position, _key in enumerate(CONNECTION_KEYS, start=1):
    try:
        Fernet(_key)
    except (ValueError, TypeError):
        raise ImproperlyConfigured(f"Key {_position} of CONNECTION_KEYS is not a Fernet key.") from None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. Set it to the host names the site is served on, separated by commas."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Cannock Chase Council")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The council's own email domains: administering mailboxes must be on one of them (000 §11).
COUNCIL_EMAIL_DOMAINS = env_list("COUNCIL_EMAIL_DOMAINS", ["cannockchasedc.gov.uk"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_celery_beat",
    "django_fsm_log",
    "simple_history",
    "rules",
    # The base layer (README "Where things live"): imports no app below.
    "councilsocial",
    "councilsocial.notifications",
    "councilsocial.flags",
    "councilsocial.calendar",
    # The domain apps, lowest first.
    "accounts_register",
    "business_cases",
    "risk_assessments",
    "operations",
    "monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "councilsocial.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A NUL in the web address is a plain 400 on every page (issue 11 item 13).
    "councilsocial.middleware.RefuseNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# The reason beside each change in the audit trail is the person's own words (a suspension's reason,
# an end-of-access note, a status change's reason: up to 1,000 characters), kept whole: the
# package's default is 100 characters, and a longer reason was a database error (a 500).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

ROOT_URLCONF = "councilsocial.urls"
WSGI_APPLICATION = "councilsocial.wsgi.application"
ASGI_APPLICATION = "councilsocial.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "councilsocial.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database address Django understands: {exc}") from None
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: wait for the lock rather than fail when the scheduler and the web
    # server write together during `make run`.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3  # a reset link works for three hours

# Sessions end after this many seconds without a request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT", 60 * 60 * 8)
# IdleSessionMiddleware extends the session every few minutes of use, not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Email ----------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "social-media@cannockchasedc.gov.uk")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The outbox tries a message this many times, waiting longer after each failure.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 60)

# --- Celery ---------------------------------------------------------------------------------------
# With no broker configured, tasks run in-process (eagerly) and `make run` starts `run_scheduler`
# in place of celery beat, so nothing but SQLite is needed.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 1}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up quickly when the broker is down: the database keeps the work and the next
# periodic run picks it up, so a request never waits on Redis.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- REST framework -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # A maximum page size, and huge or nonsense limits clamped, never a 500 (issue 11 item 23).
    "DEFAULT_PAGINATION_CLASS": "councilsocial.rest.CouncilPagination",
    "PAGE_SIZE": 100,
    # JSON nested too deeply is a 400, not a RecursionError (issue 11 item 20).
    "DEFAULT_PARSER_CLASSES": [
        "councilsocial.rest.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "councilsocial API",
    "DESCRIPTION": "The council's register of social media accounts, posts, enquiries and governance flags.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Forms ----------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- Security -------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A strict Content Security Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Logging --------------------------------------------------------------------------------------
# Django's debug page and error reports hide every variable named like a secret, in every frame
# (issue 14 item 4: a connection's secrets are never shown).
DEFAULT_EXCEPTION_REPORTER_FILTER = "councilsocial.lib.error_reports.SecretsHiddenReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # tweepy writes each request's headers, the X access token among them, at DEBUG (issue 14:
        # tokens never in logs), so it stays at INFO even when LOG_LEVEL is DEBUG.
        "tweepy": {"level": "INFO"},
    },
}

# --- The account register -------------------------------------------------------------------------
# The e-learning module a person must have completed before access is granted (002 §5.1).
SOCIAL_MEDIA_ELEARNING_MODULE = os.environ.get("SOCIAL_MEDIA_ELEARNING_MODULE", "Social media e-learning")
# Largest register import accepted, in rows and bytes.
REGISTER_IMPORT_MAX_ROWS = env_int("REGISTER_IMPORT_MAX_ROWS", 20000)
REGISTER_IMPORT_MAX_BYTES = env_int("REGISTER_IMPORT_MAX_BYTES", 10 * 1024 * 1024)

# --- Monitoring (issue 6): response times, activity and governance checks -------------------------
# 003 D5.1: an account with no activity for more than this many days is flagged as inactive.
MONITORING_INACTIVE_DAYS = env_int("MONITORING_INACTIVE_DAYS", 30)
# 004 Do 3: passwords are changed at least this often.
MONITORING_PASSWORD_ROTATION_DAYS = env_int("MONITORING_PASSWORD_ROTATION_DAYS", 90)
# 002 §1.6: the policy is reviewed every six months.
MONITORING_POLICY_REVIEW_MONTHS = 6
# 003 D5.2: corporate accounts post at least this many original posts per this many days, by platform.
MONITORING_POSTING_GUIDELINES = {"x": (1, 1), "facebook": (1, 1), "instagram": (2, 7)}
# 000 §25 expects every enquiry answered by its deadline; the dashboard marks the share the council
# aims for each month.
MONITORING_RESPONSE_TARGET_PERCENT = env_int("MONITORING_RESPONSE_TARGET_PERCENT", 95)
# The posting guideline is judged over this many days, so one quiet day is not a finding.
MONITORING_POSTING_WINDOW_DAYS = 7
# The most enquiries or posts one API request may carry.
MONITORING_API_MAX_ITEMS = 1000

# --- Business cases (business_cases app) -----------------------------------------------------------
# An emailed approval link works for this many days (issue 4).
BUSINESS_CASE_LINK_MAX_AGE_DAYS = env_int("BUSINESS_CASE_LINK_MAX_AGE_DAYS", 14)
# Councils that prefer it can make the Director sign in as well as follow the link.
BUSINESS_CASE_DIRECTOR_MUST_SIGN_IN = env_bool("BUSINESS_CASE_DIRECTOR_MUST_SIGN_IN", False)
# A case waiting for a decision this many working days sends a reminder, then is flagged.
BUSINESS_CASE_REMINDER_WORKING_DAYS = env_int("BUSINESS_CASE_REMINDER_WORKING_DAYS", 5)
BUSINESS_CASE_ESCALATION_WORKING_DAYS = env_int("BUSINESS_CASE_ESCALATION_WORKING_DAYS", 10)

# --- Risk assessments (000 §25: kept up to date) --------------------------------------------------
# An accepted assessment is next reviewed RISK_REVIEW_MONTHS after acceptance, or sooner
# (RISK_REVIEW_MONTHS_HIGH) when any residual score is at or above RISK_HIGH_RESIDUAL_SCORE.
RISK_REVIEW_MONTHS = env_int("RISK_REVIEW_MONTHS", 12)
RISK_REVIEW_MONTHS_HIGH = env_int("RISK_REVIEW_MONTHS_HIGH", 6)
RISK_HIGH_RESIDUAL_SCORE = env_int("RISK_HIGH_RESIDUAL_SCORE", 10)
# API schema: name monitoring's choice sets so drf-spectacular does not have to guess.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),
    "EnquiryChannelEnum": "monitoring.models.Channel",
    "EnquiryStatusEnum": "monitoring.models.EnquiryStatus",
    "PostKindEnum": "monitoring.models.PostKind",
    "ResponseKindEnum": "monitoring.models.ResponseKind",
    "NoResponseReasonEnum": "monitoring.models.NoResponseReason",
    "FlagKindEnum": "councilsocial.flags.models.FlagKind",
}

# --- Operations: emergencies, purdah, incidents, the content checker (issue 7) --------------------
# Where Communications is told about incidents and monitoring-term requests (003 Section B, D11.2).
COMMUNICATIONS_EMAIL = os.environ.get("COMMUNICATIONS_EMAIL", f"communications@{COUNCIL_EMAIL_DOMAINS[0]}")
# The council's own published phone numbers: the content checker does not treat them as personal data.
COUNCIL_PHONE_NUMBERS = env_list("COUNCIL_PHONE_NUMBERS", ["01543 462621"])
# Largest training-records import accepted, in rows.
TRAINING_IMPORT_MAX_ROWS = env_int("TRAINING_IMPORT_MAX_ROWS", 5000)
# The emergency and purdah banners on every page.
TEMPLATES[0]["OPTIONS"]["context_processors"].append("operations.context_processors.operations_banners")

# --- The public register (issue 3 item 8, 000 §24) -------------------------------------------------
# Where the public's "is this account really the council's?" page tells people to report an impostor.
IMPOSTOR_REPORT_EMAIL = os.environ.get("IMPOSTOR_REPORT_EMAIL", DEFAULT_FROM_EMAIL)

# --- Sign-in protection (issue 8 item 2): lock-out after repeated failures, django-axes -----------
# Five wrong passwords for one username from one address lock that pair out for 15 minutes; a
# right password is refused meanwhile (429 and the page registration/locked_out.html). Other
# people, and the same person from another address, can still sign in. A successful sign-in clears
# the count. Behind a reverse proxy (BEHIND_PROXY) the address is the one the proxy appends to
# X-Forwarded-For. Attempts are kept in the database (Django admin, "Access attempts").
from datetime import timedelta  # noqa: E402 - kept with the settings that use it

INSTALLED_APPS.append("axes")
# Last, so it turns the lock-out signal from the backend into the lock-out page.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# First, so a locked-out pair is refused before any password is checked.
AUTHENTICATION_BACKENDS.insert(0, "axes.backends.AxesStandaloneBackend")
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGN_IN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "councilsocial.signin.client_ip"

# --- Connected accounts: the platforms' apps (issue 14; README "Connecting platforms") -----------
# Each OAuth platform's client id and secret, from the app the council registers with the platform.
# Empty means that platform cannot be connected. Instagram is read through the same Meta app as
# Facebook, so its pair is usually the same.
CONNECTOR_FACEBOOK_CLIENT_ID = os.environ.get("CONNECTOR_FACEBOOK_CLIENT_ID", "")
CONNECTOR_FACEBOOK_CLIENT_SECRET = os.environ.get("CONNECTOR_FACEBOOK_CLIENT_SECRET", "")
CONNECTOR_INSTAGRAM_CLIENT_ID = os.environ.get("CONNECTOR_INSTAGRAM_CLIENT_ID", "")
CONNECTOR_INSTAGRAM_CLIENT_SECRET = os.environ.get("CONNECTOR_INSTAGRAM_CLIENT_SECRET", "")
CONNECTOR_X_CLIENT_ID = os.environ.get("CONNECTOR_X_CLIENT_ID", "")
CONNECTOR_X_CLIENT_SECRET = os.environ.get("CONNECTOR_X_CLIENT_SECRET", "")
CONNECTOR_YOUTUBE_CLIENT_ID = os.environ.get("CONNECTOR_YOUTUBE_CLIENT_ID", "")
CONNECTOR_YOUTUBE_CLIENT_SECRET = os.environ.get("CONNECTOR_YOUTUBE_CLIENT_SECRET", "")
CONNECTOR_LINKEDIN_CLIENT_ID = os.environ.get("CONNECTOR_LINKEDIN_CLIENT_ID", "")
CONNECTOR_LINKEDIN_CLIENT_SECRET = os.environ.get("CONNECTOR_LINKEDIN_CLIENT_SECRET", "")
# Meta webhook deliveries already received, kept a day so a replay is not acted on
# (monitoring/connectors/webhooks.py): in Redis when there is one, so every web worker shares it.
_WEBHOOKS_CACHE = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CELERY_BROKER_URL,
        "KEY_PREFIX": "webhooks",
    }
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "webhooks"}
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},  # Django's own default
    "webhooks": _WEBHOOKS_CACHE,
}
# The token Meta's webhook set-up sends back to prove the subscription is ours (any long random value,
# typed into the app's webhook settings too). Deliveries are checked against the Meta app secrets.
CONNECTOR_META_WEBHOOK_VERIFY_TOKEN = os.environ.get("CONNECTOR_META_WEBHOOK_VERIFY_TOKEN", "")
# Bluesky: the server (PDS) the council's accounts live on. Bluesky's own unless the council runs one.
CONNECTOR_BLUESKY_SERVICE_URL = os.environ.get("CONNECTOR_BLUESKY_SERVICE_URL", "https://bsky.social")
# --- Connected accounts (issue 14): the sync of posts and enquiries from the platforms ------------
# One sync of one account reads at most this many pages per stream; the rest waits for the next run
# (its "backlog").
CONNECTION_SYNC_PAGE_LIMIT = env_int("CONNECTION_SYNC_PAGE_LIMIT", 10)
# One account's sync stops fetching after this many seconds, so a slow platform cannot hold up the
# others; a whole run stops starting new accounts after CONNECTION_SYNC_CYCLE_SECONDS (under the
# Celery soft time limit), and the accounts left over go first next time.
CONNECTION_SYNC_BUDGET_SECONDS = env_int("CONNECTION_SYNC_BUDGET_SECONDS", 60)
CONNECTION_SYNC_CYCLE_SECONDS = env_int("CONNECTION_SYNC_CYCLE_SECONDS", 200)
# A connection failing for this long raises one governance flag (issue 14 item 5).
CONNECTION_FAILING_FLAG_MINUTES = env_int("CONNECTION_FAILING_FLAG_MINUTES", 60)
