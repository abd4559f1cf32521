"""Settings, read from the environment. See README.md "Configuration" for every variable."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("COPRODUCE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("COPRODUCE_INSECURE_DEV_KEY", False):
        raise RuntimeError("SECRET_KEY is not set. See README.md, Configuration.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "coproduce.core",
    "coproduce.accounts",
    "coproduce.network",
    "coproduce.programmes",
    "coproduce.patients",
    "coproduce.access",
    "coproduce.observations",
    "coproduce.questionnaires",
    "coproduce.reporting",
    "coproduce.careplans",
    "coproduce.visits",
    "coproduce.alerts",
    "coproduce.decisions",
    "coproduce.skills",
    "coproduce.tasks",
    "coproduce.panel",
    "coproduce.measures",
    "coproduce.extracts",
    "coproduce.seed",
    "coproduce.interop.fhir",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "coproduce.accounts.middleware.StaffMFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "coproduce.core.context_processors.csp_nonce",
                "coproduce.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Embedded default: SQLite in WAL mode with IMMEDIATE transactions, so concurrent writers wait
# for the lock instead of failing with "database is locked" (ADR 0002).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
    ),
}
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'coproduce.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Statements run five times on a connection are prepared once (server-side plans; ADR
    # 0013). Set COPRODUCE_DB_PREPARE_THRESHOLD=off behind a pooler that cannot keep
    # prepared statements (PgBouncer in transaction mode before 1.21).
    PREPARE_THRESHOLD = os.environ.get("COPRODUCE_DB_PREPARE_THRESHOLD", "5")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        None if PREPARE_THRESHOLD.lower() in ("off", "none", "") else int(PREPARE_THRESHOLD)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, passwords, MFA, lockout ------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must come first (django-axes)
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", 60 * 60))  # one hour

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", 0.5))  # hours
# Lock the account, not the address: clinics share one NAT address, and locking by address
# would lock a whole clinic out after one person's typos. Hence axes.W006 is silenced.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Coproduce"

# --- Sessions and cookies -------------------------------------------------------------------
SECURE = env_bool("COPRODUCE_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 0))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Strict CSP: no inline script or style, no eval (ADR 0004).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Coproduce <no-reply@localhost>")

# Reminders (coproduce/reporting): text messages go through this backend (console by default;
# a real SMS gateway implements `send(to, text)`); links in reminders start with this address.
COPRODUCE_SMS_BACKEND = os.environ.get(
    "COPRODUCE_SMS_BACKEND", "coproduce.reporting.backends.ConsoleSmsBackend"
)
COPRODUCE_SITE_URL = os.environ.get("COPRODUCE_SITE_URL", "http://127.0.0.1:8000")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# --- Background work ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Every string is marked for translation; a language is listed here once its catalogue
# (locale/<lang>/LC_MESSAGES) is complete.
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("COPRODUCE_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Logging: ids only, never patient data (DESIGN.md §2 rule 9) ---------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Coproduce ------------------------------------------------------------------------------
COPRODUCE_NETWORK_SLUG = os.environ.get("COPRODUCE_NETWORK", "demo")
# Seconds between scheduler ticks in the worker.
COPRODUCE_SCHEDULER_INTERVAL = int(os.environ.get("COPRODUCE_SCHEDULER_INTERVAL", 30))
# Quality measures: counts from 1 to this number are never shown (small-cell suppression,
# coproduce/measures/suppression.py).
COPRODUCE_SMALL_CELL_MAX = int(os.environ.get("COPRODUCE_SMALL_CELL_MAX", 10))
# Registry extracts (docs/adr/0018): the secret that keys pseudonymous ids (at least 32
# characters; keep it out of the extracts' reach: whoever holds it can link pseudonyms to
# patients), and where extract files are written.
COPRODUCE_PSEUDONYM_KEY = os.environ.get("COPRODUCE_PSEUDONYM_KEY", "")
if not COPRODUCE_PSEUDONYM_KEY:
    if not DEBUG and not env_bool("COPRODUCE_INSECURE_DEV_KEY", False):
        raise RuntimeError("COPRODUCE_PSEUDONYM_KEY is not set. See README.md, Configuration.")
    COPRODUCE_PSEUDONYM_KEY = "insecure-development-pseudonym-key-never-use-in-production"
if len(COPRODUCE_PSEUDONYM_KEY) < 32:
    raise RuntimeError("COPRODUCE_PSEUDONYM_KEY must be at least 32 characters.")
COPRODUCE_EXTRACTS_DIR = Path(os.environ.get("COPRODUCE_EXTRACTS_DIR", VAR_DIR / "extracts"))
