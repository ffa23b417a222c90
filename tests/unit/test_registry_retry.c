/* SPDX-License-Identifier: MIT */
/* Retry-After parsing (seconds and HTTP dates), backoff growth and caps,
 * endpoints for registries, and digest checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "registry/digest.h"
#include "registry/endpoint.h"
#include "registry/transport.h"

#include <string.h>

/* Sun, 06 Nov 1994 08:49:37 GMT, the RFC's own example date. */
#define RFC_DATE_EPOCH 784111777L

static void test_retry_after_seconds(void **state) {
  (void)state;
  assert_int_equal(am_transport_parse_retry_after("0", 0), 0);
  assert_int_equal(am_transport_parse_retry_after("120", 0), 120);
  assert_int_equal(am_transport_parse_retry_after(" 7 ", 0), 7);
  assert_int_equal(am_transport_parse_retry_after("12abc", 0), -1);
  assert_int_equal(am_transport_parse_retry_after("-5", 0), -1);
  assert_int_equal(am_transport_parse_retry_after("", 0), -1);
  assert_int_equal(am_transport_parse_retry_after(NULL, 0), -1);
  /* Too long for any integer is a long wait, not none: it saturates. */
  assert_int_equal(am_transport_parse_retry_after("99999999999999", 0),
                   AM_RETRY_AFTER_MAX);
  assert_int_equal(am_transport_parse_retry_after(
                       "99999999999999999999999999999999999999999999999999", 0),
                   AM_RETRY_AFTER_MAX);
  assert_int_equal(am_transport_parse_retry_after("1000000000", 0),
                   AM_RETRY_AFTER_MAX);
  assert_int_equal(am_transport_parse_retry_after("999999999", 0), 999999999L);
  assert_int_equal(am_transport_parse_retry_after("99999999999x", 0), -1);
}

static void test_retry_after_dates(void **state) {
  (void)state;
  assert_int_equal(am_transport_parse_retry_after(
                       "Sun, 06 Nov 1994 08:49:37 GMT", RFC_DATE_EPOCH - 30),
                   30);
  /* The obsolete formats HTTP still allows. */
  assert_int_equal(am_transport_parse_retry_after(
                       "Sunday, 06-Nov-94 08:49:37 GMT", RFC_DATE_EPOCH - 5),
                   5);
  assert_int_equal(am_transport_parse_retry_after("Sun Nov  6 08:49:37 1994",
                                                  RFC_DATE_EPOCH - 1),
                   1);
  /* A date already past means "now". */
  assert_int_equal(am_transport_parse_retry_after(
                       "Sun, 06 Nov 1994 08:49:37 GMT", RFC_DATE_EPOCH + 60),
                   0);
  assert_int_equal(am_transport_parse_retry_after("tomorrow-ish", 0), -1);
}

static void test_backoff(void **state) {
  unsigned seed = 12345;
  double prev = 0;

  (void)state;
  for (int attempt = 1; attempt <= 4; attempt++) {
    double d = am_transport_backoff(attempt, 1.0, 60.0, &seed);
    double low = (double)(1 << (attempt - 1));

    /* base * 2^(n-1), plus at most half again of jitter */
    assert_true(d >= low);
    assert_true(d <= low * 1.5);
    assert_true(d > prev * 0.99);
    prev = d;
  }
  for (int i = 0; i < 100; i++)
    assert_true(am_transport_backoff(30, 1.0, 8.0, &seed) <= 8.0);
}

static void test_backoff_jitter_varies(void **state) {
  unsigned seed = 99;
  double first = am_transport_backoff(3, 1.0, 60.0, &seed);
  bool differs = false;

  (void)state;
  for (int i = 0; i < 20 && !differs; i++)
    differs = am_transport_backoff(3, 1.0, 60.0, &seed) != first;
  assert_true(differs);
}

static void test_endpoints(void **state) {
  am_endpoint ep;
  am_err err;
  am_mirror mirrors[] = {{"registry.k8s.io", "http://127.0.0.1:5000/"},
                         {"docker.io", "https://mirror.example/hub"},
                         {"bad.example", "ftp://x"},
                         {"creds.example", "https://u:p@m.example"}};
  const char *insecure[] = {"intranet.example", "other.example:5000"};
  am_registry_opts opts;

  (void)state;
  memset(&opts, 0, sizeof(opts));
  assert_int_equal(am_endpoint_for(&ep, "docker.io", &opts, &err), AM_OK);
  assert_string_equal(ep.base, "https://registry-1.docker.io");
  assert_int_equal(am_endpoint_for(&ep, "ghcr.io", &opts, &err), AM_OK);
  assert_string_equal(ep.base, "https://ghcr.io");
  assert_int_equal(am_endpoint_for(&ep, "localhost:5000", &opts, &err), AM_OK);
  assert_string_equal(ep.base, "http://localhost:5000");
  assert_int_equal(am_endpoint_for(&ep, "127.1.2.3:80", &opts, &err), AM_OK);
  assert_string_equal(ep.base, "http://127.1.2.3:80");
  assert_int_equal(am_endpoint_for(&ep, "128.0.0.1", &opts, &err), AM_OK);
  assert_string_equal(ep.base, "https://128.0.0.1");

  opts.insecure = insecure;
  opts.ninsecure = 2;
  opts.mirrors = mirrors;
  opts.nmirrors = 4;
  assert_int_equal(am_endpoint_for(&ep, "intranet.example:443", &opts, &err),
                   AM_OK);
  assert_string_equal(ep.base, "http://intranet.example:443");
  assert_int_equal(am_endpoint_for(&ep, "other.example:5001", &opts, &err),
                   AM_OK);
  assert_string_equal(ep.base, "https://other.example:5001");
  assert_int_equal(am_endpoint_for(&ep, "registry.k8s.io", &opts, &err), AM_OK);
  assert_string_equal(ep.base, "http://127.0.0.1:5000");
  assert_true(ep.mirrored);
  assert_int_equal(am_endpoint_for(&ep, "docker.io", &opts, &err), AM_OK);
  assert_string_equal(ep.base, "https://mirror.example/hub");
  assert_int_equal(am_endpoint_for(&ep, "bad.example", &opts, &err), AM_EUSAGE);
  assert_int_equal(am_endpoint_for(&ep, "creds.example", &opts, &err),
                   AM_EUSAGE);
  assert_null(strstr(err.msg, "u:p"));
}

static void test_loopback(void **state) {
  (void)state;
  assert_true(am_endpoint_is_loopback("localhost"));
  assert_true(am_endpoint_is_loopback("LOCALHOST:5000"));
  assert_true(am_endpoint_is_loopback("127.0.0.1"));
  assert_true(am_endpoint_is_loopback("127.255.0.9:1"));
  assert_true(am_endpoint_is_loopback("[::1]:5000"));
  assert_false(am_endpoint_is_loopback("127.0.0.1.nip.io"));
  assert_false(am_endpoint_is_loopback("localhost.example"));
  assert_false(am_endpoint_is_loopback("10.0.0.1"));
  assert_false(am_endpoint_is_loopback("127.0.0.256"));
}

static void test_digests(void **state) {
  char d[AM_DIGEST_MAX];
  am_err err;

  (void)state;
  assert_int_equal(am_digest_sha256(d, "abc", 3), AM_OK);
  assert_string_equal(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a3"
                         "96177a9cb410ff61f20015ad");
  assert_true(am_digest_valid(d));
  assert_int_equal(am_digest_check(d, "abc", 3, &err), AM_OK);
  assert_int_equal(am_digest_check(d, "abd", 3, &err), AM_ERROR);
  assert_non_null(strstr(err.msg, "mismatch"));
  assert_false(am_digest_valid("sha256:BA7816"));
  assert_false(am_digest_valid("md5:900150983cd24fb0d6963f7d28e17f72"));
  assert_false(am_digest_valid("sha256:../../etc/passwd"));
  assert_int_equal(am_digest_check("sha256:xyz", "abc", 3, &err), AM_EINVALID);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_retry_after_seconds),
      cmocka_unit_test(test_retry_after_dates),
      cmocka_unit_test(test_backoff),
      cmocka_unit_test(test_backoff_jitter_varies),
      cmocka_unit_test(test_endpoints),
      cmocka_unit_test(test_loopback),
      cmocka_unit_test(test_digests),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
