#!/usr/bin/env bash
# Build (or refresh) the django-appointment peer: venv, pinned packages, Django project, SQLite DB,
# migrations, seed data. Idempotent; a rerun keeps the database (and its bookings) unless --fresh-db.
#
#   bench/peer/setup.sh VENV_DIR WORK_DIR [--fresh-db]
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 VENV_DIR WORK_DIR [--fresh-db]" >&2
    exit 2
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$1"
WORK="$2"
FRESH="${3:-}"
PY="${PYTHON:-python3}"

# 1. venv + pinned packages (pip skips what is already installed at the pinned version)
if [[ ! -x "$VENV/bin/python" ]]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"

# 2. the Django project (our own small files) in WORK_DIR
mkdir -p "$WORK/peersite" "$WORK/peer_migrations/appointment"
cp "$HERE/peersite/manage.py" "$WORK/manage.py"
cp "$HERE/peersite/peersite/"*.py "$WORK/peersite/"
touch "$WORK/peer_migrations/__init__.py" "$WORK/peer_migrations/appointment/__init__.py"
if [[ ! -s "$WORK/secret.key" ]]; then
    (umask 077; "$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$WORK/secret.key")
fi
if [[ "$FRESH" == "--fresh-db" ]]; then
    rm -f "$WORK/db.sqlite3" "$WORK/db.sqlite3-wal" "$WORK/db.sqlite3-shm"
fi

# 3. migrations: django-appointment 3.12.0 ships none (its README says to run makemigrations);
#    they are generated into WORK_DIR/peer_migrations (MIGRATION_MODULES), not into site-packages.
cd "$WORK"
"$VENV/bin/python" manage.py makemigrations appointment --noinput >/dev/null
"$VENV/bin/python" manage.py migrate --noinput >/dev/null

# 4. seed the schedule
"$VENV/bin/python" "$HERE/seed.py" "$WORK"
