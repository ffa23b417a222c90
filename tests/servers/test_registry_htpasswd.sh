#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# An htpasswd registry refuses anonymous reads and serves the fixture user.
set -euo pipefail
source "$(dirname "$0")/testlib.sh"
dir=$1
url=$(<"$dir/url")
creds="$(<"$dir/user"):$(<"$dir/password")"
path=/v2/demo/multi/manifests/1.0

code=$(fetch "$url$path" -H "Accept: $OCI_INDEX")
expect_eq "anonymous GET" 401 "$code"
[[ "$(header WWW-Authenticate)" == Basic* ]] ||
  fail "challenge is not Basic: $(header WWW-Authenticate)"

code=$(fetch "$url$path" -H "Accept: $OCI_INDEX" -u "$(<"$dir/user"):wrong")
expect_eq "GET with a wrong password" 401 "$code"

code=$(fetch "$url$path" -H "Accept: $OCI_INDEX" -u "$creds")
expect_eq "GET with credentials" 200 "$code"
expect_eq "digest" "$(digest_of demo/multi:1.0 "$dir/pushed.json")" \
  "$(header Docker-Content-Digest)"
echo "ok"
