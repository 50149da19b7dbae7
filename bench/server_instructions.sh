#!/bin/bash
# Instructions a whole server process spends per request, counted by valgrind's callgrind.
#
#   bench/server_instructions.sh NAME PORT N "PATH1 PATH2 ..." -- SERVER COMMAND...
#
# Wall and CPU time on a shared virtual machine swing with the host's load (the same request
# on the same code measured 2.2 and 5.5 ms of CPU an hour apart here); an instruction count
# does not. The server runs under callgrind (about 50 times slower); for each path, 10 warm-up
# requests are sent, the counters are zeroed, N requests are sent on one keep-alive
# connection, and the counters are dumped. `{id}` in a path becomes a random id in 1..30000.
# Set the server's environment when calling (VERBATIM_DATABASE_URL=... bench/server_...).
# Needs valgrind and curl. Examples (the corpus of bench/generate.py; see bench/README.md):
#
#   VERBATIM_DATABASE_URL=sqlite:////tmp/vb/100k.db bench/server_instructions.sh verbatim 8400 40 \
#       "/statements/{id}" -- .venv/bin/python .venv/bin/verbatim serve --port 8400
#   bench/server_instructions.sh datasette 8401 40 "/100k/statement/{id}.json" -- \
#       bench/.venv-datasette/bin/python bench/.venv-datasette/bin/datasette serve /tmp/vb/100k.db \
#       --port 8401 --setting suggest_facets off
set -u
NAME=$1; PORT=$2; N=$3; PATHS=$4; shift 5
OUT=${TMPDIR:-/tmp}/callgrind-$NAME
rm -f "$OUT".*
valgrind --tool=callgrind --callgrind-out-file="$OUT.%p" "$@" > "$OUT.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 900); do curl -s -m 5 -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 1; done
urls() {  # $1 path, $2 count
    for _ in $(seq 1 "$2"); do echo "http://127.0.0.1:$PORT${1//\{id\}/$((RANDOM % 30000 + 1))}"; done
}
for path in $PATHS; do
    mapfile -t warm < <(urls "$path" 10)
    curl -s "${warm[@]}" > /dev/null
    callgrind_control -z "$SERVER" > /dev/null
    mapfile -t measured < <(urls "$path" "$N")
    codes=$(curl -s -w '%{stderr}%{http_code}\n' "${measured[@]}" 2>&1 > /dev/null | sort | uniq -c | tr -s ' \n' ' ')
    callgrind_control -d "$SERVER" > /dev/null
    sleep 2
    dump=$(ls -t "$OUT.$SERVER".* | head -1)
    total=$(grep -h "^summary:\|^totals:" "$dump" | head -1 | awk '{print $2}')
    echo "$NAME $path [HTTP:$codes]: $((total / N)) instructions/request"
done
kill -INT "$SERVER"; sleep 5; kill "$SERVER" 2>/dev/null
exit 0
