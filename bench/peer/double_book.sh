#!/usr/bin/env bash
# Does the peer double-book? Two checks on a running peer (serve.sh), each on a fresh free slot:
#   1. sequential: 2 clients book the same slot one after the other (wrk -c1, book.lua "once")
#   2. concurrent: CLIENTS clients (default 32) all book the same slot at once, one attempt each
#      (wrk -cCLIENTS, book.lua "once"; each client's two POSTs go out as soon as possible)
# Prints wrk's book.lua summary and count.py's numbers for each slot, then one JSON line.
#
#   taskset -c 1 bench/peer/double_book.sh VENV_DIR WORK_DIR PORT [CLIENTS] [SECONDS]
set -euo pipefail

if [[ $# -lt 3 ]]; then
    echo "usage: $0 VENV_DIR WORK_DIR PORT [CLIENTS] [SECONDS]" >&2
    exit 2
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$1"; WORK="$2"; PORT="$3"; CLIENTS="${4:-32}"; SECS="${5:-5}"
WRK="${WRK:-wrk}"
URL="http://127.0.0.1:$PORT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

slot_of() {  # prepare_bookings.py summary -> "DATE HH:MM"
    "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["first"])'
}

run_case() {  # name clients connections
    local name="$1" n="$2" conns="$3" file="$TMP/$1.tsv" slot date start
    slot="$("$VENV/bin/python" "$HERE/prepare_bookings.py" "$WORK" "$file" --count "$n" --same-slot | slot_of)"
    date="${slot% *}"; start="${slot#* }"
    echo "== $name: $n clients over $conns connection(s), one attempt each, all on $date $start" >&2
    $WRK -t1 -c"$conns" -d"${SECS}s" -s "$HERE/book.lua" "$URL" -- "$file" once >&2
    sleep 1  # let the server finish anything still in flight
    "$VENV/bin/python" "$HERE/count.py" "$VENV" "$WORK" --date "$date" --start "$start" \
        | "$VENV/bin/python" -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["slot"]))'
}

SEQ="$(run_case sequential 2 1)"
CON="$(run_case concurrent "$CLIENTS" "$CLIENTS")"
echo "sequential: $SEQ" >&2
echo "concurrent: $CON" >&2
"$VENV/bin/python" - "$SEQ" "$CON" <<'PY'
import json, sys
seq, con = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({"sequential": seq, "concurrent": con,
                  "double_booked": seq["appointments"] > 1 or con["appointments"] > 1}))
PY
