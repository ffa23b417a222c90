/* SPDX-License-Identifier: MIT */
/* The reference grammar, case by case: what a user writes after FROM, and
 * what archmatrix prints for it (or why it refuses). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ref/ref.h"

#include <stdio.h>
#include <string.h>

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* A valid case: input → normalised output. */
static const struct {
  const char *in;
  const char *out;
} valid[] = {
    {"alpine", "docker.io/library/alpine:latest"},
    {"alpine:3.19", "docker.io/library/alpine:3.19"},
    {"library/alpine", "docker.io/library/alpine:latest"},
    {"docker.io/alpine", "docker.io/library/alpine:latest"},
    {"index.docker.io/library/alpine:3", "docker.io/library/alpine:3"},
    {"registry-1.docker.io/alpine", "docker.io/library/alpine:latest"},
    {"registry-1.docker.io/bitnami/redis:7", "docker.io/bitnami/redis:7"},
    {"bitnami/redis", "docker.io/bitnami/redis:latest"},
    {"k8s.gcr.io/echoserver:1.4", "k8s.gcr.io/echoserver:1.4"},
    {"registry.k8s.io/e2e-test-images/agnhost:2.47",
     "registry.k8s.io/e2e-test-images/agnhost:2.47"},
    {"localhost/foo", "localhost/foo:latest"},
    {"localhost:5000/foo/bar:v1", "localhost:5000/foo/bar:v1"},
    {"127.0.0.1:5000/x", "127.0.0.1:5000/x:latest"},
    {"[::1]:5000/x:y", "[::1]:5000/x:y"},
    {"quay.io/prometheus/busybox:glibc", "quay.io/prometheus/busybox:glibc"},
    {"gcr.io/distroless/static:nonroot", "gcr.io/distroless/static:nonroot"},
    {"mcr.microsoft.com/windows/nanoserver:ltsc2022",
     "mcr.microsoft.com/windows/nanoserver:ltsc2022"},
    {"alpine@sha256:" D64, "docker.io/library/alpine@sha256:" D64},
    {"alpine:3.19@sha256:" D64, "docker.io/library/alpine:3.19@sha256:" D64},
    {"a/b/c/d/e", "docker.io/a/b/c/d/e:latest"},
    {"foo_bar", "docker.io/library/foo_bar:latest"},
    {"foo__bar", "docker.io/library/foo__bar:latest"},
    {"foo---bar", "docker.io/library/foo---bar:latest"},
    {"foo.bar/baz", "foo.bar/baz:latest"},
    {"Example.COM/app", "Example.COM/app:latest"},
    {"alpine:Latest_1.0-rc.1", "docker.io/library/alpine:Latest_1.0-rc.1"},
    {"alpine:_x", "docker.io/library/alpine:_x"},
    {"ghcr.io/owner/app:sha-abc123", "ghcr.io/owner/app:sha-abc123"},
    {"my-registry:5000/app", "my-registry:5000/app:latest"},
    {"x", "docker.io/library/x:latest"},
};

/* An invalid case: input → a word the error message must contain. */
static const struct {
  const char *in;
  const char *why;
} invalid[] = {
    {"", "empty"},
    {"Alpine", "lowercase"},
    {"docker.io/Library/alpine", "lowercase"},
    {"alpine:", "tag"},
    {"alpine:-x", "tag"},
    {"alpine:.x", "tag"},
    {"alpine:a b", "tag"},
    {"alpine@sha256:abc", "digest"},
    {"alpine@sha256:" D64 "00", "digest"},
    {"alpine@:" D64, "digest"},
    {"alpine@1sha:" D64, "digest"},
    {"-alpine", "format"},
    {"alpine-", "format"},
    {"foo/", "format"},
    {"/foo", "format"},
    {"foo//bar", "format"},
    {"foo_-bar", "format"},
    {"foo___bar", "format"},
    {"foo..bar", "format"},
    {"foo bar", "format"},
    {"a$b", "format"},
    {"$BASEIMAGE", "format"},
    {"-bad.io/x", "registry"},
    {"bad..io/x", "registry"},
    {"host:port/x", "registry"},
    {"host:/x", "registry"},
    {"[::1/x", "registry"},
    {":tag", "format"},
    {"@sha256:" D64, "format"},
};

static void test_valid_references(void **state) {
  char out[AM_REF_STR_MAX];
  am_err err;

  (void)state;
  for (size_t i = 0; i < sizeof(valid) / sizeof(*valid); i++) {
    am_err_clear(&err);
    if (am_ref_normalize(valid[i].in, out, sizeof(out), &err) != AM_OK)
      fail_msg("'%s' refused: %s", valid[i].in, err.msg);
    if (strcmp(out, valid[i].out) != 0)
      fail_msg("'%s' gave '%s', want '%s'", valid[i].in, out, valid[i].out);
  }
}

static void test_invalid_references(void **state) {
  char out[AM_REF_STR_MAX];
  am_err err;

  (void)state;
  for (size_t i = 0; i < sizeof(invalid) / sizeof(*invalid); i++) {
    am_err_clear(&err);
    if (am_ref_normalize(invalid[i].in, out, sizeof(out), &err) == AM_OK)
      fail_msg("'%s' accepted as '%s'", invalid[i].in, out);
    if (err.code != AM_EINVALID || strstr(err.msg, invalid[i].why) == NULL)
      fail_msg("'%s': message '%s' lacks '%s'", invalid[i].in, err.msg,
               invalid[i].why);
  }
}

static void test_name_length_limit(void **state) {
  char name[300];
  char out[AM_REF_STR_MAX];
  am_err err;

  (void)state;
  /* 255 characters in all ("quay.io/" + 247) is the longest name. */
  memset(name, 'a', sizeof(name));
  memcpy(name, "quay.io/", 8);
  name[255] = '\0';
  assert_int_equal(am_ref_normalize(name, out, sizeof(out), &err), AM_OK);
  name[255] = 'a';
  name[256] = '\0';
  assert_int_equal(am_ref_normalize(name, out, sizeof(out), &err), AM_EINVALID);
  assert_non_null(strstr(err.msg, "255"));
}

static void test_parts(void **state) {
  am_ref ref;
  am_err err;

  (void)state;
  assert_int_equal(am_ref_parse(&ref, "localhost:5000/a/b:1@sha256:" D64, &err),
                   AM_OK);
  assert_string_equal(ref.domain, "localhost:5000");
  assert_string_equal(ref.path, "a/b");
  assert_string_equal(ref.tag, "1");
  assert_string_equal(ref.digest, "sha256:" D64);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_references),
      cmocka_unit_test(test_invalid_references),
      cmocka_unit_test(test_name_length_limit),
      cmocka_unit_test(test_parts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
