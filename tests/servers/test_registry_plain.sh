#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A plain registry seeded from fixtures.json serves the pushed index with
# the digest the push summary promised, and every child by digest.
set -euo pipefail
source "$(dirname "$0")/testlib.sh"
dir=$1
url=$(<"$dir/url")
summary=$dir/pushed.json

want=$(digest_of demo/multi:1.0 "$summary")
code=$(fetch "$url/v2/demo/multi/manifests/1.0" -H "Accept: $OCI_INDEX")
expect_eq "GET demo/multi:1.0" 200 "$code"
expect_eq "content type" "$OCI_INDEX" "$(header Content-Type)"
expect_eq "Docker-Content-Digest" "$want" "$(header Docker-Content-Digest)"
expect_eq "body sha256" "$want" "$(body_digest)"
expect_eq "index entries (3 platforms + 3 attestations)" 6 \
  "$(jpy 'len(d["manifests"])' "$work/body")"
expect_eq "attestation entries" 3 "$(jpy 'sum(
  m.get("annotations", {}).get("vnd.docker.reference.type") ==
  "attestation-manifest" for m in d["manifests"])' "$work/body")"

# name@digest for every platform child the summary lists.
children=$(jpy '" ".join(sorted({i["name"] + "@" + p["digest"]
  for i in d["images"].values() for p in i["platforms"]}))' "$summary")
for child in $children; do
  code=$(fetch "$url/v2/${child%@*}/manifests/${child#*@}" \
    -H "Accept: $ACCEPT_ALL")
  expect_eq "GET $child" 200 "$code"
  expect_eq "$child body" "${child#*@}" "$(body_digest)"
done

code=$(fetch "$url/v2/demo/list/manifests/2.1" -H "Accept: $ACCEPT_ALL")
expect_eq "GET demo/list:2.1" 200 "$code"
expect_eq "demo/list type" "$DOCKER_LIST" "$(header Content-Type)"
expect_eq "demo/list platforms" 8 "$(jpy 'len(d["manifests"])' "$work/body")"
echo "ok"
