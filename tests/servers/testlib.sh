# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Shared by the servers self-tests (sourced, not run).

OCI_INDEX=application/vnd.oci.image.index.v1+json
DOCKER_LIST=application/vnd.docker.distribution.manifest.list.v2+json
ACCEPT_ALL="$OCI_INDEX, $DOCKER_LIST"
ACCEPT_ALL+=", application/vnd.oci.image.manifest.v1+json"
ACCEPT_ALL+=", application/vnd.docker.distribution.manifest.v2+json"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

expect_eq() { # what expected actual
  [[ "$2" == "$3" ]] || fail "$1: expected '$2', got '$3'"
}

# fetch URL [curl args...]: body in $work/body, headers in $work/headers;
# prints the status code.
fetch() {
  local url=$1
  shift
  curl -sS -o "$work/body" -D "$work/headers" -w '%{http_code}' "$@" "$url"
}

# header NAME: value of a response header from the last fetch.
header() {
  grep -i "^$1:" "$work/headers" | head -n 1 | cut -d' ' -f2- | tr -d '\r'
}

# jpy EXPR FILE [ARG...]: evaluate a Python expression over the JSON
# document `d` in FILE (- for stdin; a .log file is read as JSON lines, a
# list); the ARGs are the list `a`.  Strings print bare, the rest as JSON.
# Python rather than jq: the suite needs only what install-deps installs.
jpy() {
  /usr/bin/python3 -c '
import json, sys
expr, path, a = sys.argv[1], sys.argv[2], sys.argv[3:]
f = sys.stdin if path == "-" else open(path, encoding="utf-8")
if path.endswith(".log"):
    d = [json.loads(line) for line in f if line.strip()]
else:
    d = json.load(f)
r = eval(expr)
print(r if isinstance(r, str) else json.dumps(r))
' "$@"
}

# digest_of IMAGE:TAG SUMMARY: the pushed digest from a push summary.
digest_of() {
  jpy 'd["images"][a[0]]["digest"]' "$2" "$1"
}

body_digest() {
  echo "sha256:$(sha256sum "$work/body" | cut -d' ' -f1)"
}
