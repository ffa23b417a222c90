/* SPDX-License-Identifier: MIT */
/* The string map finds what was added, keeps the first value of a key,
 * and survives growing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/err.h"
#include "util/strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_empty_map(void **state) {
  am_strmap m = {0};
  size_t v = 7;

  (void)state;
  assert_false(am_strmap_get(&m, "x", &v));
  assert_false(am_strmap_get(&m, NULL, &v));
  assert_int_equal(v, 7);
  am_strmap_free(&m);
  am_strmap_free(NULL);
}

static void test_first_value_stays(void **state) {
  am_strmap m = {0};
  size_t v = 0;

  (void)state;
  assert_int_equal(am_strmap_add(&m, "docker.io/library/alpine:3.19", 1),
                   AM_OK);
  assert_int_equal(am_strmap_add(&m, "docker.io/library/alpine:3.19", 2),
                   AM_OK);
  assert_int_equal(m.len, 1);
  assert_true(am_strmap_get(&m, "docker.io/library/alpine:3.19", &v));
  assert_int_equal(v, 1);
  assert_false(am_strmap_get(&m, "docker.io/library/alpine:3.1", &v));
  assert_true(am_strmap_get(&m, "", &v) == false);
  am_strmap_free(&m);
}

static void test_many_keys(void **state) {
  enum { N = 20000 };
  char(*keys)[32] = calloc(N, sizeof(*keys));
  am_strmap m = {0};
  size_t v = 0;

  (void)state;
  assert_non_null(keys);
  for (size_t i = 0; i < N; i++) {
    snprintf(keys[i], sizeof(keys[i]), "image-%zu:1.0", i);
    assert_int_equal(am_strmap_add(&m, keys[i], i), AM_OK);
  }
  assert_int_equal(m.len, N);
  assert_true(m.cap >= 2 * N);
  for (size_t i = 0; i < N; i++) {
    char probe[32];

    /* A different pointer with the same bytes finds the key. */
    snprintf(probe, sizeof(probe), "image-%zu:1.0", i);
    assert_true(am_strmap_get(&m, probe, &v));
    assert_int_equal(v, i);
  }
  assert_false(am_strmap_get(&m, "image-20000:1.0", &v));
  am_strmap_free(&m);
  assert_int_equal(m.cap, 0);
  free(keys);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty_map),
      cmocka_unit_test(test_first_value_stays),
      cmocka_unit_test(test_many_keys),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
