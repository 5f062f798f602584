"""Shared helper for the peer scripts: start Django for the project in WORK_DIR.

django-appointment's loggers write INFO/WARNING lines to stdout (appointment/logger_config.py), so the
scripts send stdout to stderr while Django runs and print their own result on the saved stdout.
"""
import os
import sys

REAL_STDOUT = sys.stdout


def setup(work_dir: str) -> None:
    work_dir = os.path.abspath(work_dir)
    if not os.path.isfile(os.path.join(work_dir, "peersite", "settings.py")):
        sys.exit(f"{work_dir} is not a peer WORK_DIR (run bench/peer/setup.sh first)")
    sys.path.insert(0, work_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "peersite.settings"
    sys.stdout = sys.stderr
    import django

    django.setup()


def emit(text: str) -> None:
    REAL_STDOUT.write(text + "\n")
    REAL_STDOUT.flush()
