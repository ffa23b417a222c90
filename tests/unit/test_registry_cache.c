/* SPDX-License-Identifier: MIT */
/* The registry cache: bodies by digest verified on write and read,
 * damaged files dropped, tag answers with a time to live, memory-only
 * mode, concurrent-safe file names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "registry/cache.h"
#include "registry/digest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof(dir), "/tmp/am-cache-XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
  char cmd[512];

  (void)state;
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static void test_blob_round_trip(void **state) {
  am_cache *c = NULL;
  am_err err;
  char digest[AM_DIGEST_MAX];
  const char *body = "{\"schemaVersion\":2}";
  char *got = NULL;
  char *type = NULL;
  size_t len = 0;

  (void)state;
  am_digest_sha256(digest, body, strlen(body));
  assert_int_equal(am_cache_open(&c, dir, &err), AM_OK);
  assert_int_equal(am_cache_get_blob(c, digest, &got, &len, &type),
                   AM_ENOTFOUND);
  assert_int_equal(am_cache_put_blob(c, digest, body, strlen(body),
                                     "application/x-test", &err),
                   AM_OK);
  am_cache_free(c);

  /* A new cache object reads it back from disk. */
  assert_int_equal(am_cache_open(&c, dir, &err), AM_OK);
  assert_int_equal(am_cache_get_blob(c, digest, &got, &len, &type), AM_OK);
  assert_int_equal(len, strlen(body));
  assert_memory_equal(got, body, len);
  assert_string_equal(type, "application/x-test");
  free(got);
  free(type);
  am_cache_free(c);
}

static void test_refuses_unverified(void **state) {
  am_cache *c = NULL;
  am_err err;
  char digest[AM_DIGEST_MAX];
  char *got = NULL;
  char *type = NULL;
  size_t len = 0;

  (void)state;
  am_digest_sha256(digest, "real", 4);
  assert_int_equal(am_cache_open(&c, dir, &err), AM_OK);
  assert_int_equal(am_cache_put_blob(c, digest, "fake", 4, NULL, &err),
                   AM_ERROR);
  assert_int_equal(am_cache_get_blob(c, digest, &got, &len, &type),
                   AM_ENOTFOUND);
  assert_int_equal(am_cache_put_blob(c, "sha256:zz", "x", 1, NULL, &err),
                   AM_EINVALID);
  am_cache_free(c);
}

static void test_damaged_file_dropped(void **state) {
  am_cache *c = NULL;
  am_err err;
  char digest[AM_DIGEST_MAX];
  char path[1024];
  FILE *f = NULL;
  char *got = NULL;
  char *type = NULL;
  size_t len = 0;

  (void)state;
  am_digest_sha256(digest, "original", 8);
  assert_int_equal(am_cache_open(&c, dir, &err), AM_OK);
  assert_int_equal(am_cache_put_blob(c, digest, "original", 8, NULL, &err),
                   AM_OK);
  am_cache_free(c);
  snprintf(path, sizeof(path), "%s/registry/v1/blobs/sha256/%s", dir,
           digest + 7);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs("tampered", f);
  fclose(f);

  assert_int_equal(am_cache_open(&c, dir, &err), AM_OK);
  assert_int_equal(am_cache_get_blob(c, digest, &got, &len, &type),
                   AM_ENOTFOUND);
  assert_int_not_equal(access(path, F_OK), 0);
  am_cache_free(c);
}

static void test_tags_ttl(void **state) {
  am_cache *c = NULL;
  am_err err;
  char digest[AM_DIGEST_MAX];
  char *d = NULL;
  char *type = NULL;
  bool fresh = false;
  const char *key = "http://127.0.0.1:5000/demo/x:1.0";

  (void)state;
  am_digest_sha256(digest, "tagged", 6);
  assert_int_equal(am_cache_open(&c, dir, &err), AM_OK);
  assert_int_equal(am_cache_get_tag(c, key, 3600, &d, &type, &fresh),
                   AM_ENOTFOUND);
  assert_int_equal(am_cache_put_tag(c, key, digest, "t/x", &err), AM_OK);
  am_cache_free(c);

  assert_int_equal(am_cache_open(&c, dir, &err), AM_OK);
  assert_int_equal(am_cache_get_tag(c, key, 3600, &d, &type, &fresh), AM_OK);
  assert_string_equal(d, digest);
  assert_string_equal(type, "t/x");
  assert_true(fresh);
  free(d);
  free(type);
  /* A negative TTL makes every answer stale; the digest is still known. */
  assert_int_equal(am_cache_get_tag(c, key, -1, &d, &type, &fresh), AM_OK);
  assert_false(fresh);
  free(d);
  free(type);
  assert_int_equal(
      am_cache_get_tag(c, "http://other/x:1.0", 3600, &d, &type, &fresh),
      AM_ENOTFOUND);
  am_cache_free(c);

  /* After the TTL has passed the answer is stale. */
  assert_int_equal(am_cache_open(&c, dir, &err), AM_OK);
  sleep(2);
  assert_int_equal(am_cache_get_tag(c, key, 1, &d, &type, &fresh), AM_OK);
  assert_false(fresh);
  free(d);
  free(type);
  am_cache_free(c);
}

static void test_memory_only(void **state) {
  am_cache *c = NULL;
  am_err err;
  char digest[AM_DIGEST_MAX];
  char *got = NULL;
  char *type = NULL;
  size_t len = 0;
  bool fresh = false;

  (void)state;
  am_digest_sha256(digest, "mem", 3);
  assert_int_equal(am_cache_open(&c, NULL, &err), AM_OK);
  assert_int_equal(am_cache_put_blob(c, digest, "mem", 3, NULL, &err), AM_OK);
  assert_int_equal(am_cache_get_blob(c, digest, &got, &len, &type), AM_OK);
  assert_null(type);
  free(got);
  assert_int_equal(am_cache_put_tag(c, "k", digest, NULL, &err), AM_OK);
  assert_int_equal(am_cache_get_tag(c, "k", 10, &got, &type, &fresh), AM_OK);
  assert_string_equal(got, digest);
  assert_true(fresh);
  free(got);
  free(type);
  am_cache_free(c);

  /* Nothing outlives a memory-only cache. */
  assert_int_equal(am_cache_open(&c, NULL, &err), AM_OK);
  assert_int_equal(am_cache_get_blob(c, digest, &got, &len, &type),
                   AM_ENOTFOUND);
  am_cache_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_blob_round_trip),
      cmocka_unit_test(test_refuses_unverified),
      cmocka_unit_test(test_damaged_file_dropped),
      cmocka_unit_test(test_tags_ttl),
      cmocka_unit_test(test_memory_only),
  };

  return cmocka_run_group_tests(tests, setup, teardown);
}
