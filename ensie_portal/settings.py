"""One environment-driven settings module for every environment.

Every variable is documented in README.md and .env.example. With nothing set, the portal
runs on the embedded defaults: a SQLite file, tasks run in-process, email on the console.
"""

import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-key-never-use-in-production"
# Commands that write files from the code and never sign anything: they run without a key, so
# `python manage.py makemigrations --check` works with the production defaults.
_KEYLESS_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    command = sys.argv[1] if Path(sys.argv[0]).name == "manage.py" and len(sys.argv) > 1 else ""
    keyless = command in _KEYLESS_COMMANDS
    if not DEBUG and not keyless:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. It is required whenever DEBUG is off "
            "(set DEBUG=1 for local development, or provide SECRET_KEY)."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "django_countries",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ensie_portal.accounts",
    "ensie_portal.outbox",
    "ensie_portal.core",
    "ensie_portal.privacy",
    "networks",
    "assemblies",
    "sessions_app",
    "practices",
]

MIDDLEWARE = [
    # HEAD answered wherever GET is (first: every other middleware sees a GET).
    "ensie_portal.core.middleware.HeadAsGetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Control characters (NUL...) out of every parameter, form field and cookie.
    "ensie_portal.core.middleware.CleanInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "ensie_portal.accounts.middleware.RequireTwoFactorMiddleware",
    "ensie_portal.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "ensie_portal.urls"
WSGI_APPLICATION = "ensie_portal.wsgi.application"

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
                "ensie_portal.core.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache ---------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Fails open when Redis does not answer, and clears its own keys only (core/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "ensie_portal.core.cache.PortalRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="ensie"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
# Faults (README "Running it in production"). Every task's work is first written in the
# database, and the periodic sweeps below hand it over again when a task was lost: the broker
# is not what recovers a dead worker's work. So:
# - acks_late: a task is acknowledged once done, and reject_on_worker_lost puts it back at
#   once when its pool process dies (a worker killed outright leaves its messages unacked);
# - the visibility timeout (after which Redis hands an unacknowledged message out again) stays
#   above the longest retry countdown (the outbox's backoff, 3,600 s at most), or a retry
#   waiting in a worker would be delivered twice; what a killed worker held is sent by the
#   sweeps within two minutes, long before that;
# - one message reserved per process, so a killed worker holds as few as possible;
# - publishing gives up after about half a second (the page answers, the sweep takes over),
#   while a worker that loses Redis retries for ever instead of exiting.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="ensie")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3900,
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# worker_cancel_long_running_tasks_on_connection_loss stays off: with it, a lost Redis
# connection sometimes ends the worker with kombu's AttributeError (celery#7185); the worker is
# supervised in any case (README "Supervision").
CELERY_TIMEZONE = "Europe/Brussels"
# How often the outbox sweep runs: with its grace periods (outbox/services.py), the emails of a
# lost task or worker are sent within two minutes.
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=30)
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "outbox.sweep", "schedule": float(OUTBOX_SWEEP_SECONDS)},
    "sessions-links": {"task": "sessions.links_sweep", "schedule": 30.0},
    "sessions-reminders": {"task": "sessions.send_reminders", "schedule": 300.0},
    "sessions-mailbox": {"task": "sessions.poll_mailbox", "schedule": 60.0},
    # Every retention rule of the personal data (ensie_portal/privacy, README "Personal data").
    "privacy-retention": {"task": "privacy.apply_retention", "schedule": 86400.0},
    # An erasure's copies in the mailbox, when its task was lost or the mailbox unreachable.
    "privacy-mailbox-erasures": {"task": "privacy.mailbox_erasures_sweep", "schedule": 600.0},
}


def _retention_days(name: str, default: int) -> int:
    """A retention period in days from the environment: at least one day."""
    days = env.int(name, default=default)
    if days < 1:
        raise ImproperlyConfigured(f"{name} must be a number of days, 1 or more (got {days}).")
    return days


# Retention of personal data (applied daily by privacy.apply_retention), in days:
# registrants' personal data after their session ends;
SESSIONS_ANONYMISE_AFTER_DAYS = _retention_days("SESSIONS_ANONYMISE_AFTER_DAYS", 180)
# email requests (and their copies in the mailbox's processed folder) after they arrived or
# were last decided on;
SESSIONS_REQUESTS_ERASE_AFTER_DAYS = _retention_days("SESSIONS_REQUESTS_ERASE_AFTER_DAYS", 90)
# the content of sent and failed outbox emails (recipient, subject, bodies, attachments);
OUTBOX_PURGE_AFTER_DAYS = _retention_days("OUTBOX_PURGE_AFTER_DAYS", 30)
# expressions of interest nobody took further (still at the interest stage, untouched);
NETWORKS_INTEREST_ERASE_AFTER_DAYS = _retention_days("NETWORKS_INTEREST_ERASE_AFTER_DAYS", 365)
# the contact and the documents of applications closed without admission;
NETWORKS_CLOSED_APPLICATION_ERASE_AFTER_DAYS = _retention_days(
    "NETWORKS_CLOSED_APPLICATION_ERASE_AFTER_DAYS", 730
)
# accounts never signed in to, with no role and no link, after they were created.
ACCOUNTS_UNUSED_ERASE_AFTER_DAYS = _retention_days("ACCOUNTS_UNUSED_ERASE_AFTER_DAYS", 90)
# Submissions of the public interest form (/join/interest/), valid or not, per client address
# and hour.
NETWORKS_INTEREST_RATE_LIMIT = env.int("NETWORKS_INTEREST_RATE_LIMIT", default=10)
# Registration form submissions per client address and hour.
SESSIONS_REGISTER_RATE_LIMIT = env.int("SESSIONS_REGISTER_RATE_LIMIT", default=10)
# Submissions of the contribution form (/practices/contribute/) per signed-in user and hour.
PRACTICES_CONTRIBUTE_RATE_LIMIT = env.int("PRACTICES_CONTRIBUTE_RATE_LIMIT", default=30)
# Registration by email: the address shown on every session (``sessions+7@...`` names session
# 7) and the IMAP mailbox behind it (``imaps://user:password@host/INBOX``; unset: no polling).
SESSIONS_MAILBOX_ADDRESS = env.str("SESSIONS_MAILBOX_ADDRESS", default="sessions@ensie.org")
IMAP_URL = env.str("IMAP_URL", default="")
IMAP_PROCESSED_FOLDER = env.str("IMAP_PROCESSED_FOLDER", default="Processed")
# Automatic answers (confirmation link or refusal) per sender address (name+tag@ counting as
# name@) in a rolling 24 hours: a forged sender cannot make the portal write to someone more
# often. Beyond it a request is kept, rate limited, for an organiser.
SESSIONS_INBOUND_ANSWER_LIMIT = env.int("SESSIONS_INBOUND_ANSWER_LIMIT", default=3)

# --- Email ----------------------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ENSIE <noreply@ensie.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SECRETARIAT_EMAIL = env.str("SECRETARIAT_EMAIL", default="secretariat@ensie.org")
# How many times the outbox tries a message before it is marked failed.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)

# --- Accounts (django-allauth) --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ENSIE] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_ADAPTER = "ensie_portal.accounts.adapter.PortalAccountAdapter"
ACCOUNT_FORMS = {"signup": "ensie_portal.accounts.forms.PortalSignupForm"}
# Behind a reverse proxy every request comes from the proxy: the client's address, for the rate
# limits of allauth and of the portal's public forms, is then read from X-Forwarded-For, trusting
# this many proxies (0: REMOTE_ADDR).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_email": "5/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "ENSIE portal"
MFA_TOTP_INSECURE_BYPASS_CODE = env.str("MFA_TOTP_INSECURE_BYPASS_CODE", default="") or None
# Privileged roles: staff and the members of these groups open privileged pages (the admin,
# the Board's and staff's pages, fees, the chair's screen, moderation, the organisers' pages)
# only in a session that passed the second factor (accounts/roles.py: needs_second_factor;
# accounts/middleware.py).
TWO_FACTOR_REQUIRED_GROUPS = ["Board", "Organisers", "Editors"]
# A code opens the privileged pages for this many hours; then the session is asked for a new
# one (a sign-in lasts SESSION_COOKIE_AGE, two weeks: too long for a laptop left open).
SECOND_FACTOR_MAX_AGE_HOURS = env.int("SECOND_FACTOR_MAX_AGE_HOURS", default=12)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style per language ("Thursday 7 January 2027, 10:00"; "jeudi 7 janvier 2027,
# 10 h 00"): ensie_portal/formats/, written by the template filter ``when``.
FORMAT_MODULE_PATH = ["ensie_portal.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Brussels"
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Private uploads (letters, statutes): never under MEDIA_ROOT, only streamed by a view.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
# Without a collected manifest (development, tests) serve files straight from static/.
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG or not STATIC_MANIFEST

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
