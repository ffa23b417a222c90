#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A token registry: follow the Bearer challenge to the issuer; anonymous
# tokens read public repositories, private/* needs the fixture user.
set -euo pipefail
source "$(dirname "$0")/testlib.sh"
dir=$1
url=$(<"$dir/url")
creds="$(<"$dir/user"):$(<"$dir/password")"

# token REPO [curl args...]: a pull token from the challenge's realm.
token() {
  local repo=$1 challenge realm service
  shift
  code=$(fetch "$url/v2/$repo/manifests/1.0" -H "Accept: $ACCEPT_ALL")
  expect_eq "unauthenticated GET $repo" 401 "$code"
  challenge=$(header WWW-Authenticate)
  realm=$(sed -E 's/.*realm="([^"]*)".*/\1/' <<<"$challenge")
  service=$(sed -E 's/.*service="([^"]*)".*/\1/' <<<"$challenge")
  curl -sS -f -G "$realm" --data-urlencode "service=$service" \
    --data-urlencode "scope=repository:$repo:pull" "$@" | jpy 'd["token"]' -
}

get_with() { # repo token -> status
  fetch "$url/v2/$1/manifests/1.0" -H "Accept: $ACCEPT_ALL" \
    -H "Authorization: Bearer $2"
}

expect_eq "anonymous, public" 200 \
  "$(get_with demo/multi "$(token demo/multi)")"
expect_eq "digest" "$(digest_of demo/multi:1.0 "$dir/pushed.json")" \
  "$(header Docker-Content-Digest)"
expect_eq "anonymous, private" 401 \
  "$(get_with private/secret "$(token private/secret)")"
expect_eq "user, private" 200 \
  "$(get_with private/secret "$(token private/secret -u "$creds")")"

realm=$(<"$dir/issuer/url")/token
code=$(curl -sS -o /dev/null -w '%{http_code}' -u "$(<"$dir/user"):wrong" \
  "$realm?service=x&scope=repository:demo/multi:pull")
expect_eq "issuer, wrong password" 401 "$code"
[[ $(wc -l <"$dir/issuer/requests.log") -ge 4 ]] ||
  fail "issuer request log has fewer than 4 lines"
echo "ok"
