#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A plain registry seeded from fixtures.json serves the pushed index with
# the digest the push summary promised.
set -euo pipefail
source "$(dirname "$0")/testlib.sh"
dir=$1
url=$(<"$dir/url")
summary=$dir/pushed.json

want=$(jq -r '.images["demo/multi:1.0"].digest' "$summary")
code=$(fetch "$url/v2/demo/multi/manifests/1.0" -H "Accept: $OCI_INDEX")
expect_eq "GET demo/multi:1.0" 200 "$code"
expect_eq "content type" "$OCI_INDEX" "$(header Content-Type)"
expect_eq "Docker-Content-Digest" "$want" "$(header Docker-Content-Digest)"
expect_eq "body sha256" "$want" "$(body_digest)"
expect_eq "index entries (3 platforms + 3 attestations)" 6 \
  "$(jq '.manifests | length' "$work/body")"
expect_eq "attestation entries" 3 "$(jq '[.manifests[] |
  select(.annotations["vnd.docker.reference.type"] ==
         "attestation-manifest")] | length' "$work/body")"

# Every platform child named in the summary is there, by digest.
for child in $(jq -r '.images[] | .platforms[].digest' "$summary" | sort -u)
do
  name=$(jq -r --arg d "$child" '[.images[] | select(any(.platforms[];
    .digest == $d))][0].name' "$summary")
  code=$(fetch "$url/v2/$name/manifests/$child" -H "Accept: $ACCEPT_ALL")
  expect_eq "GET $name@$child" 200 "$code"
  expect_eq "$name@$child body" "$child" "$(body_digest)"
done

code=$(fetch "$url/v2/demo/list/manifests/2.1" -H "Accept: $ACCEPT_ALL")
expect_eq "GET demo/list:2.1" 200 "$code"
expect_eq "demo/list type" "$DOCKER_LIST" "$(header Content-Type)"
expect_eq "demo/list platforms" 8 "$(jq '.manifests | length' "$work/body")"
echo "ok"
