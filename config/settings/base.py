"""Settings shared by every environment. Everything that differs between machines
comes from environment variables (see README "Configuration")."""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from .env import email_settings_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
DEBUG = env_bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Apps ------------------------------------------------------------------------
LYCEUM_APPS = [
    "core",
    "members",
    "activity",
    "courses",
    "gamification",
    "forum",
    "conversations",
    "paths",
    "notifications",
    "website",
]

WAGTAIL_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
]

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

INSTALLED_APPS = LYCEUM_APPS + WAGTAIL_APPS + THIRD_PARTY_APPS + DJANGO_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "members.privacy_middleware.ReconsentMiddleware",
]

ROOT_URLCONF = "config.urls"
# An expired form gets a friendly "go back and try again" page, not a bare 403.
CSRF_FAILURE_VIEW = "website.views.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Data ------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the dev server, a Celery eager task and a shell
    # share the embedded database without "database is locked" errors.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("DJANGO_CACHE_PREFIX", "lyceum"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "lyceum",
        }
    }

# Accounts --------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
# A community whose member list is public gains nothing from hiding whether an
# address is registered, and a clear "already registered" message at sign-up
# saves people from waiting for an e-mail that never comes.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Lyceum] "
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_USER_DISPLAY = "members.adapters.user_display"
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupForm"
ACCOUNT_FORMS = {"add_email": "members.account_forms.AddEmailForm"}
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
}

# Members' uploaded avatars (validated with Pillow in members.validators).
# Phone photos are often 3-5 MB; they are re-encoded to 256 px on upload anyway.
LYCEUM_AVATAR_MAX_BYTES = env_int("LYCEUM_AVATAR_MAX_BYTES", 5 * 1024 * 1024)
LYCEUM_AVATAR_MAX_PIXELS = env_int("LYCEUM_AVATAR_MAX_PIXELS", 4096 * 4096)
LYCEUM_AVATAR_MIN_SIDE = 64
LYCEUM_AVATAR_SIZE = 256  # stored avatars are at most this many pixels a side
# Where a member is sent once, on their first arrival after sign-up or log-in
# (members.adapters); empty turns the offer off.
LYCEUM_ONBOARDING_URL = env_str("LYCEUM_ONBOARDING_URL", "/paths/start/")
# Privacy centre (docs/PRIVACY.md): data-export archives live outside public
# media; download links expire; deletion waits a grace period; an erased
# member's posts are kept as "Deleted member" ("keep") or emptied ("remove").
LYCEUM_PRIVATE_ROOT = Path(env_str("LYCEUM_PRIVATE_ROOT", str(BASE_DIR / "private")))
LYCEUM_EXPORT_LINK_DAYS = env_int("LYCEUM_EXPORT_LINK_DAYS", 7)
LYCEUM_DELETION_GRACE_DAYS = env_int("LYCEUM_DELETION_GRACE_DAYS", 14)
LYCEUM_DELETED_MEMBER_POSTS = env_str("LYCEUM_DELETED_MEMBER_POSTS", "keep")

# Internationalisation ----------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("vi", _("Vietnamese")),
    ("de", _("German")),
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Static and media --------------------------------------------------------------
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail ------------------------------------------------------------------------
EMAIL_URL = env_str("EMAIL_URL", "console://")
globals().update(email_settings_from_url(EMAIL_URL))
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "Lyceum <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery ------------------------------------------------------------------------
# The in-process transport: with eager tasks nothing is ever sent to it.
EMBEDDED_BROKER_URL = "memory://localhost/"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or EMBEDDED_BROKER_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == EMBEDDED_BROKER_URL
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
# Fail fast when the broker is down: the activity is already in the database
# and the sweep dispatches it later, so a request must not hang on the broker.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0}
# A broker that vanishes without closing the socket must not hang a publish
# (or a request's on_commit enqueue) forever.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 5, "socket_connect_timeout": 2}
LYCEUM_ACTIVITY_SWEEP_SECONDS = env_int("LYCEUM_ACTIVITY_SWEEP_SECONDS", 60)
CELERY_BEAT_SCHEDULE = {
    "activity-sweep": {
        "task": "activity.tasks.sweep",
        "schedule": LYCEUM_ACTIVITY_SWEEP_SECONDS,
        # Runs queued while no worker was up are stale: the next one covers them.
        "options": {"expires": max(LYCEUM_ACTIVITY_SWEEP_SECONDS - 5, 5)},
    },
    # Reminders go out ~24 h ahead; `reminded_at` makes overlapping runs harmless.
    "event-reminders": {
        "task": "courses.tasks.send_event_reminders",
        "schedule": 15 * 60,
        "options": {"expires": 14 * 60},
    },
    # Nightly (03:15 site time): refit the mastery model from the site's answers.
    "mastery-refit": {
        "task": "paths.tasks.refit_mastery_model",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 6 * 3600},
    },
    # Notifications: reminders, due e-mails (after quiet hours), digests, nudges.
    "notification-event-reminders": {
        "task": "notifications.tasks.event_reminders",
        "schedule": 15 * 60,
        "options": {"expires": 14 * 60},
    },
    "notification-emails": {
        "task": "notifications.tasks.send_due_emails",
        "schedule": 5 * 60,
        "options": {"expires": 4 * 60},
    },
    "notification-digest-daily": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0),
        "args": ("daily",),
        "options": {"expires": 6 * 3600},
    },
    "notification-digest-weekly": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
        "args": ("weekly",),
        "options": {"expires": 6 * 3600},
    },
    "notification-nudges": {
        "task": "notifications.tasks.send_nudges",
        "schedule": crontab(minute=20),
        "options": {"expires": 50 * 60},
    },
    # Nightly (03:45): refit the recommender and recompute every member's list.
    "recommendations-refresh": {
        "task": "paths.tasks.refresh_recommendations",
        "schedule": crontab(hour=3, minute=45),
        "options": {"expires": 6 * 3600},
    },
    # Hourly: erase the accounts whose deletion grace period has ended.
    "privacy-erase-due": {
        "task": "members.privacy_tasks.erase_due_accounts",
        "schedule": crontab(minute=40),
        "options": {"expires": 50 * 60},
    },
    # Daily (02:30): segments with history and churn risk scores.
    "segments-compute": {
        "task": "paths.tasks.compute_segments",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 12 * 3600},
    },
}

# The activity log: an activity is swept (re-dispatched) once it is this old and
# some consumer has not handled it.
LYCEUM_ACTIVITY_SWEEP_GRACE_SECONDS = env_int("LYCEUM_ACTIVITY_SWEEP_GRACE_SECONDS", 30)

# Wagtail -----------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Lyceum"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
}
WAGTAILDOCS_EXTENSIONS = [
    "csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip", "ipynb",
    "mp4", "webm",  # videos in content (core.blocks.VideoBlock): no embeds offline
]  # fmt: skip
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILEMBEDS_FINDERS = []  # offline: videos are uploaded files or plain links
WAGTAIL_I18N_ENABLED = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "lyceum": {"level": env_str("LYCEUM_LOG_LEVEL", "INFO")},
    },
}
