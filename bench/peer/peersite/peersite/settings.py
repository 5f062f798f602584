"""Minimal production-like Django project hosting django-appointment for the benchmark.

Lives in WORK_DIR (copied there by bench/peer/setup.sh); the database, the secret key and the
generated migrations of the `appointment` app are kept in WORK_DIR too.
"""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent  # = WORK_DIR

SECRET_KEY = (BASE_DIR / "secret.key").read_text().strip()
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "phonenumber_field",
    "appointment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "peersite.urls"
WSGI_APPLICATION = "peersite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,  # with DEBUG=False Django wraps these in the cached template loader
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite with the same pragmas as onestop (src/db/mod.rs): WAL, synchronous=NORMAL, 10 s busy
# timeout; foreign keys are on by default in Django's SQLite backend. Explicit transactions take
# the write lock up front (BEGIN IMMEDIATE), like onestop's db::write_tx.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
        "OPTIONS": {
            "timeout": 10,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}

# django-appointment 3.12.0 ships no migrations; setup.sh generates them here (not in site-packages).
MIGRATION_MODULES = {"appointment": "peer_migrations.appointment"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # Django's default, stated for the record

LANGUAGE_CODE = "en-us"
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "static"

# No mail leaves the machine: the package still renders its notification e-mails (and the .ics
# attachment) on every booking, the dummy backend then discards them. (locmem would keep every
# message in memory for the life of a worker.)
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "noreply@peer.example"
ADMINS = []

APPOINTMENT_WEBSITE_NAME = "Peer bench"
APPOINTMENT_SLOT_DURATION = 60
APPOINTMENT_LEAD_TIME = (10, 0)
APPOINTMENT_FINISH_TIME = (17, 0)
APPOINTMENT_BUFFER_TIME = 0
APPOINTMENT_PAYMENT_URL = None  # free service: no payment step

PHONENUMBER_DEFAULT_REGION = "KR"
