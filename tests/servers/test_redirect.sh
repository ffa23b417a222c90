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
path="/v2/demo/multi/manifests/1.0?probe=1"

code=$(fetch "$front_url$path" -H "Accept: $OCI_INDEX")
expect_eq "front status" 307 "$code"
expect_eq "Location" "http://localhost:$port$path" "$(header Location)"

code=$(fetch "$front_url$path" -L -H "Accept: $OCI_INDEX" \
  -H "Authorization: Bearer not-a-token")
expect_eq "followed status" 200 "$code"
expect_eq "digest" "$(jq -r '.images["demo/multi:1.0"].digest' \
  "$backend/pushed.json")" "$(header Docker-Content-Digest)"

log=$front/requests.log
expect_eq "requests logged" 2 "$(wc -l <"$log")"
expect_eq "first without Authorization" false \
  "$(sed -n 1p "$log" | jq .authorization)"
expect_eq "second with Authorization" true \
  "$(sed -n 2p "$log" | jq .authorization)"
expect_eq "logged path" "$path" "$(sed -n 1p "$log" | jq -r .path)"
echo "ok"
