"""Settings for coopregistry.

Every value that differs between machines is read from the environment here, and only here:

- ``DATABASE_URL``: default an SQLite file in the project folder; ``postgres://...`` for
  PostgreSQL (psycopg 3).
- ``SECRET_KEY``: required when ``DEBUG`` is off. With ``DEBUG`` on and no key set, a random
  key is generated once and kept in ``var/secret_key`` (never a key written in the code).
- ``DEBUG``: ``true``/``false``, default ``false``.
- ``ALLOWED_HOSTS``: comma separated, default the loopback names.
- ``HTTPS``: ``true`` when the site is served over HTTPS (default: ``not DEBUG``); turns on
  secure cookies, HSTS and the redirect to HTTPS.
- ``SECURE_PROXY_SSL_HEADER``: ``true`` behind a proxy that sets ``X-Forwarded-Proto``; the
  proxy must then also append the client's address to ``X-Forwarded-For``, which the login
  throttling reads.
- ``CSRF_TRUSTED_ORIGINS``: comma separated origins (``https://registry.example``).
- ``STATIC_ROOT``, ``MEDIA_ROOT``: where collected static files and uploads live.
- ``PUBLIC_LOGIN_REQUIRED``: ``true`` to show the public pages to logged-in users only.
- ``AXES_FAILURE_LIMIT``, ``AXES_ADDRESS_FAILURE_LIMIT``: failed logins before an hour's
  lockout, per username and address, and per address whatever the username.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def development_secret_key():
    """A random key kept on this machine, so sessions survive a restart of the dev server."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for development).")
    SECRET_KEY = development_secret_key()

PUBLIC_LOGIN_REQUIRED = env_bool("PUBLIC_LOGIN_REQUIRED", False)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "registry.apps.RegistryConfig",
    # Django's admin, as a site that asks staff for a second factor (registry/signin/).
    "registry.signin.apps.RegistryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "import_export",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "rest_framework",
    "drf_spectacular",
    "registry.api.apps.ApiConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "registry.middleware.DutchFirstLocaleMiddleware",
    "registry.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
BEHIND_PROXY = env_bool("SECURE_PROXY_SSL_HEADER", False)

# Login throttling (registry/signin/lockout.py): an hour's pause after 5 failed attempts for a
# username from one address, and after 20 from one address whatever the usernames, so that one
# password tried on many usernames is stopped too.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "registry.signin.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "registry.signin.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# The client's address: behind the proxy, the right-most entry of X-Forwarded-For, the one the
# proxy appended (anything to its left the client may have written itself); otherwise the
# address of the connection, whatever headers the client sends. django-ipware's "legacy"
# algorithm takes that entry as it is; its newer one prefers any public address in the header,
# which a client on a private network could forge to choose its own lockout address.
IPWARE_ALGORITHM = "legacy"
AXES_IPWARE_PROXY_ORDER = "right-most"
AXES_IPWARE_PROXY_COUNT = None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if BEHIND_PROXY else ("REMOTE_ADDR",)
)

# Sign-in (registry/signin/): the admin's login asks for the password, then for a code from the
# staff member's authenticator app (TOTP) or one of their recovery codes. With DEBUG off every
# staff account needs an authenticator; with DEBUG on it is optional (registry/signin/policy.py).
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
TWO_FACTOR_PATCH_ADMIN = False  # the admin site is the registry's own (registry/signin/)

# Content-Security-Policy: everything from this site only; no inline scripts, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

ROOT_URLCONF = "coopregistry.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "coopregistry.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface speaks Dutch first; English is available through the language switch.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "registry" / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security. Production (HTTPS) gets secure cookies, HSTS and the redirect to HTTPS.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Uploads stay in memory up to this size; anything larger is refused by the import forms.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# The read-only JSON API (registry/api/): JSON only, for whoever may read the public pages (see
# PUBLIC_LOGIN_REQUIRED), described by the OpenAPI 3 schema at /api/schema/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["registry.api.permissions.PublicAccess"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Defence cooperation registry API",
    "DESCRIPTION": (
        "Read-only access to the public records of the Netherlands' international defence "
        "cooperation: themes, sections, partners, commands and agreements."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["registry.api.permissions.PublicAccess"],
    # Fields of the same name with different choices each get an enum of their own.
    "ENUM_NAME_OVERRIDES": {
        "ThemeStatusEnum": "registry.choices.ThemeStatus",
        "AgreementStatusEnum": "registry.choices.AgreementStatus",
        "AgreementKindEnum": "registry.choices.AgreementKind",
        "CommandKindEnum": "registry.choices.CommandKind",
        "PartnerKindEnum": "registry.choices.PartnerKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own loggers pass their records to the root handler instead of printing twice.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
