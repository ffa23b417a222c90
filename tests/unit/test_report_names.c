/* SPDX-License-Identifier: MIT */
/* File names and links the site derives from untrusted strings: page
 * slugs, platform page names, and links to a line at a commit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "report/render.h"

#include <stdlib.h>
#include <string.h>

static void check_slug(const char *in, bool hash, const char *want) {
  char *got = am_report_slug(in, hash);

  assert_non_null(got);
  if (hash) {
    size_t n = strlen(got);

    /* "-" and 8 hex digits of sha256 follow the readable part. */
    assert_true(n > 9);
    assert_int_equal(got[n - 9], '-');
    got[n - 9] = '\0';
  }
  assert_string_equal(got, want);
  free(got);
}

static void test_slugs(void **state) {
  (void)state;
  check_slug("registry.k8s.io/e2e-test-images/agnhost:2.47", true,
             "registry.k8s.io-e2e-test-images-agnhost-2.47");
  check_slug("../../../etc/passwd", true, "etc-passwd");
  check_slug("<script>alert(1)</script>", true, "script-alert-1-script");
  check_slug("...", true, "x");
  check_slug("linux/arm/v7", false, "linux-arm-v7");
  check_slug("windows/amd64/ltsc2022", false, "windows-amd64-ltsc2022");
  check_slug("a..b", false, "a.b");
}

static void test_slug_hash_separates_lookalikes(void **state) {
  char *a = am_report_slug("example.com/a_b:1", true);
  char *b = am_report_slug("example.com/a-b:1", true);

  (void)state;
  assert_string_not_equal(a, b);
  free(a);
  free(b);
}

static void test_slug_is_bounded(void **state) {
  char long_name[600];
  char *s = NULL;

  (void)state;
  memset(long_name, 'a', sizeof(long_name) - 1);
  long_name[sizeof(long_name) - 1] = '\0';
  s = am_report_slug(long_name, true);
  assert_true(strlen(s) <= 69);
  free(s);
}

static void check_link(const char *url, const char *commit, const char *path,
                       int line, const char *want) {
  char *got = am_render_source_link(url, commit, path, line);

  if (want == NULL) {
    assert_null(got);
    return;
  }
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
}

static void test_source_links(void **state) {
  const char *c = "0123456789abcdef0123456789abcdef01234567";

  (void)state;
  check_link("https://github.com/kubernetes/kubernetes.git", c,
             "test/images/agnhost/Dockerfile", 3,
             "https://github.com/kubernetes/kubernetes/blob/"
             "0123456789abcdef0123456789abcdef01234567/"
             "test/images/agnhost/Dockerfile#L3");
  check_link("git@gitlab.com:group/sub/repo.git", c, "a b/Dockerfile", 1,
             "https://gitlab.com/group/sub/repo/-/blob/"
             "0123456789abcdef0123456789abcdef01234567/a%20b/Dockerfile#L1");
  check_link("https://github.com/o/r/", c, "x\"y<z>", 0,
             "https://github.com/o/r/blob/"
             "0123456789abcdef0123456789abcdef01234567/x%22y%3Cz%3E");
  /* Elsewhere, or without a commit that is one, there is no link. */
  check_link("/srv/repos/local", c, "Dockerfile", 1, NULL);
  check_link("https://example.com/o/r", c, "Dockerfile", 1, NULL);
  check_link("https://github.com/o/r", "main\"", "Dockerfile", 1, NULL);
  check_link("https://github.com/o/r", NULL, "Dockerfile", 1, NULL);
}

static void test_platform_files(void **state) {
  char *page = am_render_platform_page("linux/arm/v7");
  char *badge = am_render_badge_file("windows/amd64/ltsc2022");

  (void)state;
  assert_string_equal(page, "platforms/linux-arm-v7.html");
  assert_string_equal(badge, "badges/windows-amd64-ltsc2022.svg");
  free(page);
  free(badge);
}

static void test_short_names(void **state) {
  (void)state;
  assert_string_equal(am_render_short_name("docker.io/library/alpine:3.19"),
                      "alpine:3.19");
  assert_string_equal(am_render_short_name("quay.io/a/b@sha256:0123/4567"),
                      "b@sha256:0123/4567");
  assert_string_equal(am_render_short_name("alpine"), "alpine");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_slugs),
      cmocka_unit_test(test_slug_hash_separates_lookalikes),
      cmocka_unit_test(test_slug_is_bounded),
      cmocka_unit_test(test_source_links),
      cmocka_unit_test(test_platform_files),
      cmocka_unit_test(test_short_names),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
