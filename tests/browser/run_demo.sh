#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the demo site the way scripts/demo does (the demo repository made a
# git repository, the real CLI, a registry seeded with the demo images
# standing in for the public ones), then reads it in the browser.
#   run_demo.sh ARCHMATRIX REGISTRY_DIR SOURCE_TOP OUT_DIR
set -euo pipefail
am=$1 registry=$2 top=$3 out=$4
url=$(cat "$registry/url")

rm -rf "$out/repo" "$out/site" "$out/cache"
mkdir -p "$out"
cp -R "$top/tests/fixtures/demo/repo" "$out/repo"
(
  cd "$out/repo"
  export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.invalid
  export GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.invalid
  git init -q -b main .
  git add -A
  git -c commit.gpgsign=false commit -q -m "demo images"
)
"$am" report -q -c "$top/config/demo.json" -o "$out/site" \
  --cache-dir "$out/cache" "$out/repo" \
  --path test/images --path test/e2e --path hack \
  --registry-mirror "registry.k8s.io=$url" \
  --registry-mirror "docker.io=$url" \
  --registry-mirror "quay.io=$url" >/dev/null
exec node "$top/tests/browser/demo.test.mjs" "$out/site" "$out/screenshots"
