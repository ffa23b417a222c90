#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# lighttpd + git http-backend: a bare repository under the served root
# can be cloned over smart HTTP.
set -euo pipefail
source "$(dirname "$0")/testlib.sh"
dir=$1
repos=$2
url=$(<"$dir/url")
git_id=(-c user.name=servers-test -c user.email=servers-test@example.invalid)

git init -q -b main "$work/src"
echo "FROM alpine:3.19" >"$work/src/Dockerfile"
git -C "$work/src" add Dockerfile
git "${git_id[@]}" -C "$work/src" commit -q -m "fixture"
rm -rf "$repos/selftest.git"
git clone -q --bare "$work/src" "$repos/selftest.git"

git clone -q "$url/git/selftest.git" "$work/clone"
expect_eq "cloned Dockerfile" "FROM alpine:3.19" "$(<"$work/clone/Dockerfile")"
expect_eq "cloned commit" "$(git -C "$work/src" rev-parse HEAD)" \
  "$(git -C "$work/clone" rev-parse HEAD)"
echo "ok"
