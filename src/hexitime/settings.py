"""Hexitime settings: one file, read from the environment.

Development defaults are safe (SQLite under ``var/``, e-mail to the console);
production fails loudly when something it needs is missing. See README.md,
"Configuration", for every variable.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("HEXITIME_TESTING", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
    else:
        sys.stderr.write(
            "Hexitime cannot start: SECRET_KEY is not set.\n"
            "Set SECRET_KEY in the environment to a long random string "
            "(for example from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`),\n"
            "or set DEBUG=1 for local development.\n"
        )
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_NAME = "Hexitime"
SITE_URL = env_str("SITE_URL").rstrip("/")
if not SITE_URL:
    if DEBUG or TESTING:
        SITE_URL = "http://127.0.0.1:8000"
    else:
        # E-mails and unsubscribe links are built from it: a silent default would point a real
        # deploy's e-mails at localhost.
        sys.stderr.write(
            "Hexitime cannot start: SITE_URL is not set.\n"
            "Set SITE_URL to the address members use, e.g. https://hexitime.example.org "
            "(links in e-mails are built from it), or set DEBUG=1 for local development.\n"
        )
        raise ImproperlyConfigured("SITE_URL must be set in the environment when DEBUG is off.")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://, not {SITE_URL!r}.")

INSTALLED_APPS = [
    "hexitime.apps.HexitimeAdminConfig",  # django.contrib.admin on hexitime.admin_site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
    "hexitime",
    "accounts",
    "skills",
    "communities",
    "listings",
    "ledger",
    "exchanges",
    "notifications",
    "conversations",
    "audit",
]
# Demo data, the national bench data set and the benchmarks (seed_demo, seed_national, bench_search,
# bench_ledger): for development only, never on a production site unless DEVTOOLS=1 asks for them.
DEVTOOLS = DEBUG or TESTING or env_bool("DEVTOOLS", False)
if DEVTOOLS:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hexitime.middleware.HtmxLoginRedirectMiddleware",
]

ROOT_URLCONF = "hexitime.urls"
WSGI_APPLICATION = "hexitime.wsgi.application"

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
                "django.template.context_processors.csp",
                "hexitime.context_processors.site",
                "hexitime.context_processors.unread",
            ],
        },
    },
]
FORM_RENDERER = "hexitime.forms.NHSFormRenderer"

# Database: DATABASE_URL, or SQLite under var/ for a zero-setup first run.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hexitime.sqlite3'}"),
        # Connections are reused in production (a new one per request cost /healthz four fifths of
        # its throughput) and checked before each request that reuses one, so a restarted database
        # costs one error-free reconnect. runserver and tests open one per request, as before.
        conn_max_age=env_int("CONN_MAX_AGE", 0 if DEBUG or TESTING else 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writes serialise (BEGIN IMMEDIATE) and wait rather than fail with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it pays off for long analytic queries, and cost Hexitime's searches about
    # 10 ms each to compile plans that then ran in a few milliseconds (bench_search).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = env_str("CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hexitime"}
    )
}

# Background work (django.tasks) is stored in the database and run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"

# django-allauth: e-mail and password, verified e-mail, rate limits, optional TOTP.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# allauth names a member only to that member: their display name, or the start of their e-mail address.
ACCOUNT_USER_DISPLAY = "accounts.models.name_for_self"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Hexitime] "
# Rate limits. "ip" counts per network address, "key" per account (the e-mail address typed), so
# one member's mistakes lock only their own account, while the allowances per address stay generous
# for the many staff behind one NHS trust's proxy. "signup" counts sign-ups that pass the form's
# checks (a form sent back with errors does not count); "signup_attempt" caps every sign-up post
# from one address, stopping a flood (accounts.views.SignupView).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/key,100/5m/ip",
    "signup": "30/h/ip",
    "signup_attempt": "300/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "5/h/key,30/m/ip",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
# Behind a reverse proxy every request comes from the proxy's address. TRUSTED_PROXY_COUNT is the
# number of proxies you run in front of Hexitime that append to X-Forwarded-For (0: ignore the
# header, which any client can forge); or TRUSTED_CLIENT_IP_HEADER names a header your proxy sets
# to the client's address (e.g. X-Real-IP, CF-Connecting-IP), read instead of X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER") or None
# The admin (hexitime.admin_site) is reached only through allauth's log-in; with ADMIN_REQUIRE_MFA
# (on unless DEBUG) staff must also have turned on two-factor authentication and passed it.
ADMIN_REQUIRE_MFA = env_bool("ADMIN_REQUIRE_MFA", not DEBUG)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME

# E-mail (Django's MAILERS): SMTP from the environment in production; the console in development,
# or a folder of .eml files with EMAIL_BACKEND=file (var/mail/ unless EMAIL_FILE_PATH says otherwise).
EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
_email_backend = env_str("EMAIL_BACKEND", "locmem" if TESTING else "console" if DEBUG else "smtp")
if _email_backend not in EMAIL_BACKENDS:
    raise ImproperlyConfigured(f"EMAIL_BACKEND must be one of {', '.join(EMAIL_BACKENDS)}, not {_email_backend!r}.")
_email_options: dict[str, object] = {}
if _email_backend == "smtp":
    _email_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 587),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": env_int("EMAIL_TIMEOUT", 20),
    }
elif _email_backend == "file":
    _email_options = {"file_path": env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
MAILERS = {"default": {"BACKEND": EMAIL_BACKENDS[_email_backend], "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Hexitime <no-reply@hexitime.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG or TESTING
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security: CSP without inline script or style; secure cookies outside development.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
_secure = not (DEBUG or TESTING) and env_bool("SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_SSL_REDIRECT = not (DEBUG or TESTING) and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not (DEBUG or TESTING)
SECURE_HSTS_PRELOAD = not (DEBUG or TESTING) and env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line says when, how serious and which logger: "2026-11-29 19:16:07,123 WARNING django.request: ...".
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CSRF_FAILURE_VIEW = "hexitime.views.csrf_failure"

# The ledger's maker and checker (DESIGN.md §3 rule 10): powers that create or move credit wait for
# a second coordinator. Minutes throughout. Grants above LEDGER_GRANT_APPROVAL_MINUTES, any raise of
# a fund's overdraft, and a raise of the member overdraft (or of the largest limit when it grows)
# above its threshold need approval; lowering a limit takes effect at once. A request not decided
# within LEDGER_APPROVAL_DAYS expires. No fund may go further below zero than LEDGER_FUND_OVERDRAFT_MAX.
LEDGER_GRANT_APPROVAL_MINUTES = env_int("LEDGER_GRANT_APPROVAL_MINUTES", 5 * 60)
LEDGER_MEMBER_OVERDRAFT_APPROVAL_MINUTES = env_int("LEDGER_MEMBER_OVERDRAFT_APPROVAL_MINUTES", 10 * 60)
LEDGER_GROWTH_CAP_APPROVAL_MINUTES = env_int("LEDGER_GROWTH_CAP_APPROVAL_MINUTES", 20 * 60)
LEDGER_FUND_OVERDRAFT_MAX = env_int("LEDGER_FUND_OVERDRAFT_MAX", 50 * 60)
LEDGER_APPROVAL_DAYS = env_int("LEDGER_APPROVAL_DAYS", 7)
