"""Django settings for nowrongdoor, all from the environment.

`NWD_ENV=production` refuses to start with the development secret key or with debug on.
"""

from __future__ import annotations

import os

from nowrongdoor.config.database import database_settings, default_url

DEVELOPMENT_KEY = "nowrongdoor-development-only-not-secret"
ENVIRONMENT = os.environ.get("NWD_ENV", "development")
SECRET_KEY = os.environ.get("NWD_SECRET_KEY", DEVELOPMENT_KEY)
DEBUG = os.environ.get("NWD_DEBUG", "0") == "1"

if ENVIRONMENT == "production":
    if SECRET_KEY == DEVELOPMENT_KEY or len(SECRET_KEY) < 32:
        raise RuntimeError("NWD_SECRET_KEY: set a secret key of 32+ characters in production")
    if DEBUG:
        raise RuntimeError("NWD_DEBUG: debug mode is refused in production")


def _nhsuk_templates() -> str:
    import nhsuk_frontend_jinja

    return os.path.join(os.path.dirname(nhsuk_frontend_jinja.__file__), "templates")


ALLOWED_HOSTS = os.environ.get("NWD_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "nowrongdoor.web",
    "nowrongdoor.records.directory",
    "nowrongdoor.records.people",
    "nowrongdoor.records.care",
    "nowrongdoor.records.clinical",
    "nowrongdoor.records.referrals",
    "nowrongdoor.records.coordination",
    "nowrongdoor.records.outcomes",
    "nowrongdoor.records.audit",
    "nowrongdoor.records.idempotency",
    "nowrongdoor.records.figures",
]
DATABASES = {"default": database_settings(os.environ.get("NWD_DATABASE_URL", default_url()))}
ROOT_URLCONF = "nowrongdoor.config.urls"
WSGI_APPLICATION = "nowrongdoor.config.wsgi.application"
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "nowrongdoor.web.security.SessionKeyGuard",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "nowrongdoor.web.security.ContentSecurityPolicy",
    # A form or API POST sent again with its idempotency key saves nothing (services/once.py).
    "nowrongdoor.web.once.FormsSaveOnce",
    "nowrongdoor.api.idempotency.PostsSaveOnce",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]
# Sign-in lockout (django-axes): 5 failures for a username from one address lock it for 15 min.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "nowrongdoor.web.views.locked_out"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [_nhsuk_templates()],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "nowrongdoor.web.jinja.environment",
            "autoescape": True,
            "context_processors": ["nowrongdoor.web.security.csp_nonce"],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    },
]
STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("NWD_STATIC_ROOT") or None
LOGIN_URL = "/sign-in"
LOGIN_REDIRECT_URL = "/"
WHITENOISE_USE_FINDERS = True  # serve straight from the package; no collectstatic step
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = ENVIRONMENT == "production"
CSRF_COOKIE_SECURE = ENVIRONMENT == "production"
CSRF_FAILURE_VIEW = "nowrongdoor.web.errors.csrf_failure"  # the styled 403, with a way back
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Europe/London"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
