/* SPDX-License-Identifier: MIT */
/* A source URL is shown, logged and stored without its userinfo: user and
 * password both go, whatever they hold; paths and the scp form stay. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "source/source.h"

#include <stdlib.h>

static void check_shown(const char *spec, const char *want) {
  char *got = am_source_display_url(spec);

  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
}

static void test_userinfo_removed(void **state) {
  (void)state;
  check_shown("http://user:GITSECRET@127.0.0.1:8080/x.git",
              "http://127.0.0.1:8080/x.git");
  check_shown("https://TOKEN@github.com/o/r.git", "https://github.com/o/r.git");
  check_shown("https://u:p%40ss@gitlab.com/o/r", "https://gitlab.com/o/r");
  /* An unencoded '@' in the password: the last one ends the userinfo. */
  check_shown("https://u:p@ss@host/r?x=1#f", "https://host/r?x=1#f");
  check_shown("ssh://git:pw@host:22/r.git", "ssh://host:22/r.git");
  check_shown("http://:secret@host", "http://host");
}

static void test_others_unchanged(void **state) {
  (void)state;
  check_shown("https://github.com/o/r.git", "https://github.com/o/r.git");
  check_shown("http://[::1]:8080/r", "http://[::1]:8080/r");
  /* An '@' after the host is part of the path, not userinfo. */
  check_shown("https://host/path@v1", "https://host/path@v1");
  check_shown("git@github.com:o/r.git", "git@github.com:o/r.git");
  check_shown("/srv/repos/x.git", "/srv/repos/x.git");
  check_shown("file:///srv/x.git", "file:///srv/x.git");
  assert_null(am_source_display_url(NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_userinfo_removed),
      cmocka_unit_test(test_others_unchanged),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
