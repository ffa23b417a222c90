/* SPDX-License-Identifier: MIT */
/* WWW-Authenticate parsing: several challenges, quoted strings, escapes,
 * token68, malformed input; and token server answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "registry/auth.h"

#include <stdlib.h>
#include <string.h>

static am_challenges parse_ok(const char *header) {
  am_challenges list = {NULL, 0};
  am_err err;

  am_err_clear(&err);
  assert_int_equal(am_auth_parse_challenges(&list, header, &err), AM_OK);
  return list;
}

static void test_docker_hub_bearer(void **state) {
  am_challenges list = parse_ok("Bearer realm=\"https://auth.docker.io/token\","
                                "service=\"registry.docker.io\","
                                "scope=\"repository:library/alpine:pull\"");
  const am_challenge *c = am_auth_find(&list, "bearer");

  (void)state;
  assert_int_equal(list.len, 1);
  assert_non_null(c);
  assert_string_equal(c->scheme, "bearer");
  assert_string_equal(am_auth_param_get(c, "realm"),
                      "https://auth.docker.io/token");
  assert_string_equal(am_auth_param_get(c, "SERVICE"), "registry.docker.io");
  assert_string_equal(am_auth_param_get(c, "scope"),
                      "repository:library/alpine:pull");
  assert_null(am_auth_param_get(c, "error"));
  am_challenges_free(&list);
}

static void test_several_challenges(void **state) {
  am_challenges list =
      parse_ok("Basic realm=\"Registry Realm\", Bearer realm=\"https://a/t\", "
               "service=\"s\" , Negotiate, NewAuth abc==");
  const am_challenge *basic = NULL;

  (void)state;
  assert_int_equal(list.len, 4);
  assert_string_equal(list.v[0].scheme, "basic");
  assert_string_equal(list.v[1].scheme, "bearer");
  assert_string_equal(list.v[2].scheme, "negotiate");
  assert_int_equal(list.v[2].nparams, 0);
  assert_string_equal(list.v[3].scheme, "newauth");
  assert_string_equal(list.v[3].token68, "abc==");
  basic = am_auth_find(&list, "BASIC");
  assert_string_equal(am_auth_param_get(basic, "realm"), "Registry Realm");
  assert_string_equal(am_auth_param_get(&list.v[1], "service"), "s");
  am_challenges_free(&list);
}

static void test_quoted_escapes_and_commas(void **state) {
  am_challenges list = parse_ok(
      "Bearer realm=\"https://x/t?a=1,b=2\", "
      "error=\"insufficient_scope\", note=\"say \\\"hi\\\" \\\\ bye\"");
  const am_challenge *c = &list.v[0];

  (void)state;
  assert_int_equal(list.len, 1);
  assert_string_equal(am_auth_param_get(c, "realm"), "https://x/t?a=1,b=2");
  assert_string_equal(am_auth_param_get(c, "error"), "insufficient_scope");
  assert_string_equal(am_auth_param_get(c, "note"), "say \"hi\" \\ bye");
  am_challenges_free(&list);
}

static void test_token_values_and_spacing(void **state) {
  am_challenges list = parse_ok("  bearer   realm = rtoken ,"
                                "service=svc,, Basic realm=x");

  (void)state;
  assert_int_equal(list.len, 2);
  assert_string_equal(am_auth_param_get(&list.v[0], "realm"), "rtoken");
  assert_string_equal(am_auth_param_get(&list.v[0], "service"), "svc");
  assert_string_equal(list.v[1].scheme, "basic");
  assert_string_equal(am_auth_param_get(&list.v[1], "realm"), "x");
  am_challenges_free(&list);
}

static void test_appends_across_headers(void **state) {
  am_challenges list = parse_ok("Basic realm=\"a\"");
  am_err err;

  (void)state;
  assert_int_equal(am_auth_parse_challenges(&list, "Bearer realm=\"b\"", &err),
                   AM_OK);
  assert_int_equal(list.len, 2);
  assert_string_equal(am_auth_param_get(am_auth_find(&list, "bearer"), "realm"),
                      "b");
  am_challenges_free(&list);
}

static void test_malformed(void **state) {
  static const char *const bad[] = {
      "Bearer realm=\"unterminated",
      "Bearer realm=\"dangling\\",
      "Bearer realm=\"a\" junk=\"b\" x",
      "=\"no scheme\"",
  };

  (void)state;
  for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
    am_challenges list = {NULL, 0};
    am_err err;
    int rc = am_auth_parse_challenges(&list, bad[i], &err);

    if (rc == AM_OK)
      fail_msg("accepted: %s", bad[i]);
    am_challenges_free(&list);
  }
}

/* "realm=" alone is a token68 by the grammar, not an empty realm. */
static void test_token68_not_param(void **state) {
  am_challenges list = parse_ok("Bearer realm=");

  (void)state;
  assert_int_equal(list.len, 1);
  assert_string_equal(list.v[0].token68, "realm=");
  assert_null(am_auth_param_get(&list.v[0], "realm"));
  am_challenges_free(&list);
}

static void test_bounds(void **state) {
  char *big = malloc(AM_AUTH_HEADER_MAX + 16);
  am_challenges list = {NULL, 0};
  am_err err;

  (void)state;
  memset(big, 'a', AM_AUTH_HEADER_MAX + 15);
  big[AM_AUTH_HEADER_MAX + 15] = '\0';
  assert_int_equal(am_auth_parse_challenges(&list, big, &err), AM_ETOOBIG);
  am_challenges_free(&list);
  free(big);

  /* More challenges than the bound: refused, not grown without end. */
  big = malloc(64 * 4 + 1);
  big[0] = '\0';
  for (int i = 0; i < 64; i++)
    strcat(big, "B, ");
  assert_int_not_equal(am_auth_parse_challenges(&list, big, &err), AM_OK);
  am_challenges_free(&list);
  free(big);
}

static void test_token_response(void **state) {
  char *token = NULL;
  long ttl = 0;
  am_err err;
  const char *docker = "{\"token\":\"abc\",\"expires_in\":300,"
                       "\"issued_at\":\"2024-01-01T00:00:00Z\"}";
  const char *oauth = "{\"access_token\":\"xyz\"}";

  (void)state;
  assert_int_equal(
      am_auth_parse_token_response(&token, &ttl, docker, strlen(docker), &err),
      AM_OK);
  assert_string_equal(token, "abc");
  assert_int_equal(ttl, 300);
  free(token);
  assert_int_equal(
      am_auth_parse_token_response(&token, &ttl, oauth, strlen(oauth), &err),
      AM_OK);
  assert_string_equal(token, "xyz");
  assert_int_equal(ttl, AM_TOKEN_DEFAULT_TTL);
  free(token);
  assert_int_not_equal(
      am_auth_parse_token_response(&token, &ttl, "{}", 2, &err), AM_OK);
  assert_null(token);
  assert_int_not_equal(
      am_auth_parse_token_response(&token, &ttl, "[1]", 3, &err), AM_OK);
}

/* A token goes into a header line: CR LF (which would add headers of the
 * token server's choosing), spaces, quotes, non-ASCII, empty and oversized
 * tokens are refused, and the error does not quote the token. */
static void test_token_response_refuses_bad_tokens(void **state) {
  static const char *const bad[] = {
      "{\"token\":\"abc\\r\\nX-Injected: yes\"}",
      "{\"access_token\":\"abc\\nX-Injected: yes\"}",
      "{\"token\":\"a b\"}",
      "{\"token\":\"\\\"quoted\\\"\"}",
      "{\"token\":\"==abc\"}",
      "{\"token\":\"ab=c\"}",
      "{\"token\":\"caf\\u00e9\"}",
  };
  char *token = NULL;
  char *big = NULL;
  long ttl = 0;
  am_err err;

  (void)state;
  for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
    am_err_clear(&err);
    assert_int_equal(am_auth_parse_token_response(&token, &ttl, bad[i],
                                                  strlen(bad[i]), &err),
                     AM_EINVALID);
    assert_null(token);
    assert_non_null(strstr(err.msg, "malformed token"));
    assert_null(strstr(err.msg, "Injected"));
  }
  /* The longest token allowed, then one byte more. */
  big = malloc(AM_TOKEN_MAX + 32);
  assert_non_null(big);
  strcpy(big, "{\"token\":\"");
  memset(big + strlen(big), 'A', AM_TOKEN_MAX - 2);
  strcpy(big + 10 + AM_TOKEN_MAX - 2, "==\"}");
  assert_int_equal(
      am_auth_parse_token_response(&token, &ttl, big, strlen(big), &err),
      AM_OK);
  assert_int_equal(strlen(token), AM_TOKEN_MAX);
  free(token);
  strcpy(big + 10 + AM_TOKEN_MAX - 2, "===\"}");
  assert_int_equal(
      am_auth_parse_token_response(&token, &ttl, big, strlen(big), &err),
      AM_EINVALID);
  assert_null(token);
  free(big);
  /* Every b64token character, and trailing '='. */
  assert_true(am_auth_token_valid("aZ09-._~+/==", 12));
  assert_false(am_auth_token_valid("", 0));
  assert_false(am_auth_token_valid("=", 1));
}

/* Every form of a credential is replaced, the longest first, however
 * often it appears; empty secrets are ignored. */
static void test_redact_secret_forms(void **state) {
  am_strv forms = {NULL, 0, 0};
  char *out = NULL;
  const char *text = "no access for u:pw-1 (dTpwdy0x) pw-1, token tok9";
  const char *const with_token[] = {"tok9", ""};

  (void)state;
  assert_int_equal(am_auth_secret_forms(&forms, "u", "pw-1"), AM_OK);
  assert_int_equal(forms.len, 3);
  assert_true(am_strv_contains(&forms, "pw-1"));
  assert_true(am_strv_contains(&forms, "u:pw-1"));
  assert_true(am_strv_contains(&forms, "dTpwdy0x"));
  out = am_auth_redact(text, (const char *const *)forms.v, forms.len);
  assert_string_equal(out, "no access for [redacted] ([redacted]) "
                           "[redacted], token tok9");
  free(out);
  out = am_auth_redact(text, with_token, 2);
  assert_string_equal(out, "no access for u:pw-1 (dTpwdy0x) pw-1, token "
                           "[redacted]");
  free(out);
  /* An identity token has no user: it alone is the secret. */
  assert_int_equal(am_auth_secret_forms(&forms, NULL, "idtok"), AM_OK);
  assert_int_equal(forms.len, 4);
  assert_int_equal(am_auth_secret_forms(&forms, "u", ""), AM_OK);
  assert_int_equal(forms.len, 4);
  am_strv_free(&forms);
}

/* The scope a challenge names (a backend may name the repository
 * otherwise than the reference did) becomes the token request's fields,
 * one per space-separated scope. */
static void test_challenge_scope_to_token_fields(void **state) {
  am_challenges list = {NULL, 0};
  const am_challenge *c = NULL;
  am_buf form;
  am_err err;

  (void)state;
  assert_int_equal(
      am_auth_parse_challenges(
          &list,
          "Bearer realm=\"https://auth.example/token\",service=\"reg\","
          "scope=\"repository:backend/demo:pull repository:other/x:pull\","
          "error=\"insufficient_scope\"",
          &err),
      AM_OK);
  c = am_auth_find(&list, "bearer");
  assert_non_null(c);
  assert_string_equal(am_auth_param_get(c, "scope"),
                      "repository:backend/demo:pull repository:other/x:pull");
  am_buf_init(&form, 0);
  assert_int_equal(am_auth_token_fields(&form, am_auth_param_get(c, "service"),
                                        am_auth_param_get(c, "scope")),
                   AM_OK);
  assert_string_equal(form.data, "service=reg&scope=repository%3Abackend%2F"
                                 "demo%3Apull&scope=repository%3Aother%2Fx%"
                                 "3Apull");
  am_buf_free(&form);
  am_challenges_free(&list);

  /* No service, and an action list with a comma, kept whole. */
  am_buf_init(&form, 0);
  assert_int_equal(am_auth_token_fields(&form, NULL, "repository:a:pull,push"),
                   AM_OK);
  assert_string_equal(form.data, "scope=repository%3Aa%3Apull%2Cpush");
  am_buf_free(&form);
  /* No scope at all: an empty field, as before. */
  am_buf_init(&form, 0);
  assert_int_equal(am_auth_token_fields(&form, "reg", NULL), AM_OK);
  assert_string_equal(form.data, "service=reg&scope=");
  am_buf_free(&form);
}

static void test_basic_value(void **state) {
  char *v = am_auth_basic_value("user", "p@ss:word");

  (void)state;
  assert_string_equal(v, "dXNlcjpwQHNzOndvcmQ=");
  free(v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_docker_hub_bearer),
      cmocka_unit_test(test_several_challenges),
      cmocka_unit_test(test_quoted_escapes_and_commas),
      cmocka_unit_test(test_token_values_and_spacing),
      cmocka_unit_test(test_appends_across_headers),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_token68_not_param),
      cmocka_unit_test(test_bounds),
      cmocka_unit_test(test_token_response),
      cmocka_unit_test(test_token_response_refuses_bad_tokens),
      cmocka_unit_test(test_redact_secret_forms),
      cmocka_unit_test(test_challenge_scope_to_token_fields),
      cmocka_unit_test(test_basic_value),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
