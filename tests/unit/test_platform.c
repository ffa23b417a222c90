/* SPDX-License-Identifier: MIT */
/* Platform normalisation as containerd does it, and Windows releases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/platform.h"

#include <string.h>

static const struct {
  const char *in;
  const char *out;
} cases[] = {
    {"linux/amd64", "linux/amd64"},
    {"linux/x86_64", "linux/amd64"},
    {"linux/x86-64", "linux/amd64"},
    {"Linux/AMD64", "linux/amd64"},
    {"linux/aarch64", "linux/arm64"},
    {"linux/arm64/v8", "linux/arm64"},
    {"linux/arm64/8", "linux/arm64"},
    {"linux/arm", "linux/arm/v7"},
    {"linux/arm/v6", "linux/arm/v6"},
    {"linux/arm/7", "linux/arm/v7"},
    {"linux/armhf", "linux/arm/v7"},
    {"linux/armel", "linux/arm/v6"},
    {"linux/i386", "linux/386"},
    {"linux/386", "linux/386"},
    {"linux/ppc64le", "linux/ppc64le"},
    {"linux/s390x", "linux/s390x"},
    {"linux/riscv64", "linux/riscv64"},
    {"windows/amd64", "windows/amd64"},
    {"windows/amd64/ltsc2022", "windows/amd64/ltsc2022"},
    {"windows/amd64/1809", "windows/amd64/1809"},
    {"macos/arm64", "darwin/arm64"},
};

static const char *const bad[] = {
    "",          "linux",          "linux/",       "/amd64",
    "linux//v7", "linux/arm/v7/x", "linux/am d64", "linux/<b>",
};

static void test_normalise(void **state) {
  char out[AM_PLATFORM_STR_MAX];
  am_err err;

  (void)state;
  for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
    if (am_platform_normalize_string(cases[i].in, out, sizeof(out), &err))
      fail_msg("'%s' refused: %s", cases[i].in, err.msg);
    if (strcmp(out, cases[i].out) != 0)
      fail_msg("'%s' gave '%s', want '%s'", cases[i].in, out, cases[i].out);
  }
}

static void test_refuse(void **state) {
  char out[AM_PLATFORM_STR_MAX];
  am_err err;

  (void)state;
  for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
    if (am_platform_normalize_string(bad[i], out, sizeof(out), &err) == 0)
      fail_msg("'%s' accepted as '%s'", bad[i], out);
    assert_int_equal(err.code, AM_EINVALID);
  }
}

static void test_from_fields(void **state) {
  am_platform p;
  char out[AM_PLATFORM_STR_MAX];

  (void)state;
  assert_int_equal(am_platform_from_fields(&p, "windows", "amd64", NULL,
                                           "10.0.20348.2227", NULL),
                   AM_OK);
  am_platform_format(&p, false, out, sizeof(out));
  assert_string_equal(out, "windows/amd64");
  assert_string_equal(p.os_version, "10.0.20348.2227");
  assert_int_equal(am_platform_from_fields(&p, "linux", "arm", "", NULL, NULL),
                   AM_OK);
  am_platform_format(&p, false, out, sizeof(out));
  assert_string_equal(out, "linux/arm/v7");
  assert_int_equal(am_platform_from_fields(&p, "linux", "", "", NULL, NULL),
                   AM_EINVALID);
}

static void test_windows_releases(void **state) {
  (void)state;
  assert_string_equal(am_windows_build_prefix("ltsc2022"), "10.0.20348");
  assert_string_equal(am_windows_build_prefix("1809"), "10.0.17763");
  assert_string_equal(am_windows_build_prefix("20H2"), "10.0.19042");
  assert_string_equal(am_windows_build_prefix("ltsc2025"), "10.0.26100");
  assert_null(am_windows_build_prefix("vista"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_normalise),
      cmocka_unit_test(test_refuse),
      cmocka_unit_test(test_from_fields),
      cmocka_unit_test(test_windows_releases),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
