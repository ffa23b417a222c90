/* SPDX-License-Identifier: MIT */
/* The YAML reader on inputs a fixture would make awkward: ten thousand
 * images in one file, and merge keys that refer to themselves. */
#include "scan/scan_int.h"
#include "util/buf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One pod with `n` containers, each naming alpine:3.19. */
static char *pod_with_containers(size_t n) {
  am_buf b;

  am_buf_init(&b, 0);
  assert_int_equal(am_buf_puts(&b, "apiVersion: v1\nkind: Pod\nspec:\n"
                                   "  containers:\n"),
                   AM_OK);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(am_buf_puts(&b, "  - image: alpine:3.19\n"), AM_OK);
  return am_buf_detach(&b);
}

/* Past the per-file cap the rest is skipped, and one unresolved entry
 * says so at the first image left out (line 5 is the first container). */
static void test_reference_cap_is_reported(void **state) {
  am_scan scan = {0};
  char *text = pod_with_containers(AM_SCAN_REFS_PER_FILE + 5);

  (void)state;
  assert_int_equal(scan_yaml(&scan, "pods.yaml", text, strlen(text)), AM_OK);
  assert_int_equal(scan.nrefs, AM_SCAN_REFS_PER_FILE);
  assert_int_equal(scan.nunresolved, 1);
  assert_string_equal(scan.unresolved[0].reason,
                      "too many references, the rest skipped");
  assert_int_equal(scan.unresolved[0].line, 5 + AM_SCAN_REFS_PER_FILE);
  am_scan_free(&scan);
  free(text);
}

/* Exactly at the cap nothing is skipped and nothing is reported. */
static void test_reference_cap_exact(void **state) {
  am_scan scan = {0};
  char *text = pod_with_containers(AM_SCAN_REFS_PER_FILE);

  (void)state;
  assert_int_equal(scan_yaml(&scan, "pods.yaml", text, strlen(text)), AM_OK);
  assert_int_equal(scan.nrefs, AM_SCAN_REFS_PER_FILE);
  assert_int_equal(scan.nunresolved, 0);
  am_scan_free(&scan);
  free(text);
}

/* A mapping that merges itself ends, and finds nothing it does not hold. */
static void test_merge_cycle_ends(void **state) {
  static const char text[] = "services:\n"
                             "  a: &a\n"
                             "    build: .\n"
                             "    <<: *a\n"
                             "  b: &b\n"
                             "    <<: [*b, {image: redis:7}]\n";
  am_scan scan = {0};

  (void)state;
  assert_int_equal(scan_yaml(&scan, "compose.yaml", text, strlen(text)), AM_OK);
  /* Whether libyaml lets an alias name its enclosing node or not, the
   * scan must end; when it does, b still finds the image in the list. */
  for (size_t i = 0; i < scan.nrefs; i++)
    assert_string_equal(scan.refs[i].image, "docker.io/library/redis:7");
  am_scan_free(&scan);
}

/* A merge chain deeper than the reader follows is not an error. */
static void test_merge_chain(void **state) {
  am_buf b;
  am_scan scan = {0};

  (void)state;
  am_buf_init(&b, 0);
  assert_int_equal(am_buf_puts(&b, "x0: &m0 {image: redis:7}\n"), AM_OK);
  for (int i = 1; i < 40; i++) {
    char line[64];

    snprintf(line, sizeof(line), "x%d: &m%d {<<: *m%d}\n", i, i, i - 1);
    assert_int_equal(am_buf_puts(&b, line), AM_OK);
  }
  assert_int_equal(am_buf_puts(&b, "services:\n  near: {<<: *m3}\n"
                                   "  far: {<<: *m39}\n"),
                   AM_OK);
  assert_int_equal(scan_yaml(&scan, "compose.yaml", b.data, b.len), AM_OK);
  assert_int_equal(scan.nrefs, 1);
  assert_string_equal(scan.refs[0].image, "docker.io/library/redis:7");
  assert_int_equal(scan.refs[0].line, 42);
  am_scan_free(&scan);
  am_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reference_cap_is_reported),
      cmocka_unit_test(test_reference_cap_exact),
      cmocka_unit_test(test_merge_cycle_ends),
      cmocka_unit_test(test_merge_chain),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
