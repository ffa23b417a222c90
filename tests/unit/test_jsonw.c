/* SPDX-License-Identifier: MIT */
/* The streaming JSON writer lays a document out byte for byte as jansson's
 * json_dumps with JSON_INDENT(2) lays out the same tree: escapes, empty
 * containers, nesting, integers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/err.h"
#include "util/jsonw.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const strings[] = {
    "",
    "plain",
    "quote \" backslash \\ slash /",
    "controls \b\f\n\r\t \x01\x1f end",
    "del \x7f",
    "utf-8 \xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x90\xb3",
};

/* The same document, as a jansson tree and through the writer. */
static void write_both(am_jsonw *w, json_t *root) {
  json_t *arr = json_array();
  json_t *nums = json_array();
  static const long long ints[] = {0, 7, -1, 1234567890123LL,
                                   -9223372036854775807LL - 1};

  am_jsonw_object(w);
  am_jsonw_key(w, "empty_object");
  am_jsonw_object(w);
  am_jsonw_end_object(w);
  json_object_set_new(root, "empty_object", json_object());
  am_jsonw_key(w, "empty_array");
  am_jsonw_array(w);
  am_jsonw_end_array(w);
  json_object_set_new(root, "empty_array", json_array());
  am_jsonw_key(w, "strings");
  am_jsonw_array(w);
  for (size_t i = 0; i < sizeof(strings) / sizeof(*strings); i++) {
    am_jsonw_str(w, strings[i]);
    json_array_append_new(arr, json_string(strings[i]));
  }
  am_jsonw_end_array(w);
  json_object_set_new(root, "strings", arr);
  am_jsonw_key(w, "ints");
  am_jsonw_array(w);
  for (size_t i = 0; i < sizeof(ints) / sizeof(*ints); i++) {
    am_jsonw_int(w, ints[i]);
    json_array_append_new(nums, json_integer(ints[i]));
  }
  am_jsonw_end_array(w);
  json_object_set_new(root, "ints", nums);
  am_jsonw_key(w, "null");
  am_jsonw_null(w);
  json_object_set_new(root, "null", json_null());
  am_jsonw_key(w, "nested \"key\"");
  am_jsonw_object(w);
  am_jsonw_key_str(w, "a", "b");
  am_jsonw_key_str(w, "absent", NULL);
  am_jsonw_key_str(w, "not utf-8", "\xff");
  am_jsonw_key_int(w, "n", 3);
  am_jsonw_end_object(w);
  json_object_set_new(root, "nested \"key\"",
                      json_pack("{s:s, s:I}", "a", "b", "n", (json_int_t)3));
  am_jsonw_end_object(w);
}

static void test_same_as_jansson(void **state) {
  am_buf out;
  am_jsonw w;
  json_t *root = json_object();
  char *want = NULL;

  (void)state;
  am_buf_init(&out, 0);
  am_jsonw_init(&w, &out, 2);
  write_both(&w, root);
  assert_int_equal(w.rc, AM_OK);
  want = json_dumps(root, JSON_INDENT(2));
  assert_non_null(want);
  assert_string_equal(out.data, want);
  free(want);
  json_decref(root);
  am_buf_free(&out);
}

static void test_refuses_bad_utf8(void **state) {
  am_buf out;
  am_jsonw w;

  (void)state;
  am_buf_init(&out, 0);
  am_jsonw_init(&w, &out, 2);
  am_jsonw_array(&w);
  am_jsonw_str(&w, "\xc0\xaf");
  am_jsonw_end_array(&w);
  assert_int_equal(w.rc, AM_EINVALID);
  assert_false(am_jsonw_utf8("\xed\xa0\x80")); /* a surrogate */
  assert_false(am_jsonw_utf8("\xf4\x90\x80\x80"));
  assert_true(am_jsonw_utf8("\xf4\x8f\xbf\xbf"));
  am_buf_free(&out);
}

static void test_one_line(void **state) {
  am_buf out;
  am_jsonw w;

  (void)state;
  am_buf_init(&out, 0);
  am_jsonw_init(&w, &out, 0);
  am_jsonw_object(&w);
  am_jsonw_key_int(&w, "a", 1);
  am_jsonw_key(&w, "b");
  am_jsonw_array(&w);
  am_jsonw_str(&w, "x");
  am_jsonw_null(&w);
  am_jsonw_end_array(&w);
  am_jsonw_end_object(&w);
  assert_int_equal(w.rc, AM_OK);
  assert_string_equal(out.data, "{\"a\":1,\"b\":[\"x\",null]}");
  am_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_as_jansson),
      cmocka_unit_test(test_refuses_bad_utf8),
      cmocka_unit_test(test_one_line),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
