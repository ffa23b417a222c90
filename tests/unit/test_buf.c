/* SPDX-License-Identifier: MIT */
/* The growable buffer stops at its cap and stays usable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

static void test_cap_refuses_growth(void **state) {
  am_buf b;

  (void)state;
  am_buf_init(&b, 10);
  assert_int_equal(am_buf_puts(&b, "12345"), AM_OK);
  assert_int_equal(am_buf_puts(&b, "67890"), AM_OK);
  assert_int_equal(am_buf_puts(&b, "x"), AM_ETOOBIG);
  /* A refused append leaves the contents whole. */
  assert_int_equal(b.len, 10);
  assert_string_equal(b.data, "1234567890");
  assert_int_equal(am_buf_printf(&b, "%d", 1), AM_ETOOBIG);
  am_buf_free(&b);
}

static void test_grows_and_terminates(void **state) {
  am_buf b;
  char *s;

  (void)state;
  am_buf_init(&b, 0);
  for (int i = 0; i < 1000; i++)
    assert_int_equal(am_buf_printf(&b, "%03d", i % 1000), AM_OK);
  assert_int_equal(b.len, 3000);
  assert_int_equal(b.data[3000], '\0');
  assert_memory_equal(b.data + 2997, "999", 3);
  s = am_buf_detach(&b);
  assert_int_equal(strlen(s), 3000);
  assert_null(b.data);
  free(s);
  s = am_buf_detach(&b);
  assert_string_equal(s, "");
  free(s);
  am_buf_free(NULL);
}

static void test_binary_bytes(void **state) {
  am_buf b;

  (void)state;
  am_buf_init(&b, 4);
  assert_int_equal(am_buf_append(&b, "a\0b", 3), AM_OK);
  assert_int_equal(b.len, 3);
  assert_memory_equal(b.data, "a\0b", 3);
  assert_int_equal(am_buf_append(&b, "cd", 2), AM_ETOOBIG);
  am_buf_reset(&b);
  assert_int_equal(am_buf_append(&b, "wxyz", 4), AM_OK);
  am_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cap_refuses_growth),
      cmocka_unit_test(test_grows_and_terminates),
      cmocka_unit_test(test_binary_bytes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
