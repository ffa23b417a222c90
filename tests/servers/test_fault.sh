#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The fault server misbehaves as its path says and counts every request.
set -euo pipefail
source "$(dirname "$0")/testlib.sh"
dir=$1
url=$(<"$dir/url")
log=$dir/requests.log
# "First time" is per path and the log grows across runs: a name of our
# own and counting from here keep the test repeatable on one server.
x=run$$
before=$(wc -l <"$log")
get() { fetch "$url/v2/$1/manifests/1.0" -H "Accept: $ACCEPT_ALL"; }

expect_eq "/v2/" 200 "$(fetch "$url/v2/")"
expect_eq "ok" 200 "$(get ok/$x)"
expect_eq "ok digest" "$(body_digest)" "$(header Docker-Content-Digest)"
expect_eq "f429 first" 429 "$(get f429/$x)"
expect_eq "Retry-After" 1 "$(header Retry-After)"
expect_eq "f429 second" 200 "$(get f429/$x)"
expect_eq "f503 first" 503 "$(get f503/$x)"
expect_eq "f503 second" 200 "$(get f503/$x)"
expect_eq "f500" 500 "$(get f500/$x)"
expect_eq "f500 again" 500 "$(get f500/$x)"
expect_eq "badjson" 200 "$(get badjson/$x)"
if jpy d "$work/body" >/dev/null 2>&1; then fail "badjson body parses"; fi
expect_eq "huge" 200 "$(get huge/$x)"
expect_eq "huge size" 6291456 "$(wc -c <"$work/body")"
expect_eq "baddigest" 200 "$(get baddigest/$x)"
[[ "$(body_digest)" != "$(header Docker-Content-Digest)" ]] ||
  fail "baddigest digest matches"
expect_eq "loop" 307 "$(get loop/$x)"
expect_eq "loop Location" "$url/v2/loop/$x/manifests/1.0" "$(header Location)"
expect_eq "tofile" 302 "$(get tofile/$x)"
expect_eq "tofile Location" "file:///etc/passwd" "$(header Location)"
rc=0
curl -sS -o /dev/null "$url/v2/truncated/$x/manifests/1.0" 2>/dev/null ||
  rc=$?
expect_eq "truncated: curl exit (partial file)" 18 "$rc"
rc=0
curl -sS -m 1 -o /dev/null "$url/v2/stall/$x/manifests/1.0" 2>/dev/null ||
  rc=$?
expect_eq "stall: curl exit (timeout)" 28 "$rc"

count=$(jpy 'sum(r["method"] == "GET" and r["path"] == a[0] for r in d)' \
  "$log" "/v2/f429/$x/manifests/1.0")
expect_eq "f429 requests counted" 2 "$count"
expect_eq "all requests counted" 15 "$(($(wc -l <"$log") - before))"
echo "ok"
