#!/usr/bin/env bash
# Run the peer under gunicorn in the foreground (exec: the PID is gunicorn's master).
# The caller pins it, e.g.  taskset -c 0 bench/peer/serve.sh VENV_DIR WORK_DIR PORT
#
# Defaults: 2 sync workers (see README). Override with PEER_WORKERS, PEER_WORKER_CLASS
# (sync|gthread), PEER_THREADS (gthread only).
set -euo pipefail

if [[ $# -ne 3 ]]; then
    echo "usage: $0 VENV_DIR WORK_DIR PORT" >&2
    exit 2
fi
VENV="$1"
WORK="$2"
PORT="$3"
WORKERS="${PEER_WORKERS:-2}"
CLASS="${PEER_WORKER_CLASS:-sync}"
THREADS="${PEER_THREADS:-1}"

export DJANGO_SETTINGS_MODULE=peersite.settings
exec "$VENV/bin/gunicorn" peersite.wsgi:application \
    --chdir "$WORK" \
    --bind "127.0.0.1:$PORT" \
    --workers "$WORKERS" \
    --worker-class "$CLASS" \
    --threads "$THREADS" \
    --backlog 2048 \
    --keep-alive 5 \
    --timeout 60 \
    --graceful-timeout 5 \
    --preload \
    --log-level warning \
    --error-logfile -
