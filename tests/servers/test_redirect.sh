#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The redirect front sends every request to the backend under the other
# loopback name, path and query intact, and logs what it saw.
set -euo pipefail
source "$(dirname "$0")/testlib.sh"
front=$1
backend=$2
front_url=$(<"$front/url")
port=$(cut -d: -f2 <"$backend/host")
path="/v2/demo/multi/manifests/1.0?probe=$$"
log=$front/requests.log
before=$(wc -l <"$log")

code=$(fetch "$front_url$path" -H "Accept: $OCI_INDEX")
expect_eq "front status" 307 "$code"
expect_eq "Location" "http://localhost:$port$path" "$(header Location)"

code=$(fetch "$front_url$path" -L -H "Accept: $OCI_INDEX" \
  -H "Authorization: Bearer not-a-token")
expect_eq "followed status" 200 "$code"
expect_eq "digest" "$(digest_of demo/multi:1.0 "$backend/pushed.json")" \
  "$(header Docker-Content-Digest)"

expect_eq "requests logged" 2 "$(($(wc -l <"$log") - before))"
first=$(sed -n "$((before + 1))p" "$log")
second=$(sed -n "$((before + 2))p" "$log")
expect_eq "first without Authorization" false \
  "$(jpy 'd["authorization"]' - <<<"$first")"
expect_eq "second with Authorization" true \
  "$(jpy 'd["authorization"]' - <<<"$second")"
expect_eq "logged path" "$path" "$(jpy 'd["path"]' - <<<"$first")"
echo "ok"
