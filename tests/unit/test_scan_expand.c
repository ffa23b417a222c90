/* SPDX-License-Identifier: MIT */
/* Word expansion as BuildKit's shell lexer does it: table-driven cases
 * that a fixture would make awkward. */
#include "scan/scan_int.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

typedef struct expand_case {
  const char *word;
  const char *want;  /* NULL: an error is expected */
  const char *unset; /* the variable reported unset, or "" */
  bool platform;     /* whether a platform variable was read */
} expand_case;

static const expand_case cases[] = {
    {"plain", "plain", "", false},
    {"$A", "alpine", "", false},
    {"${A}:3", "alpine:3", "", false},
    {"${A}x${A}", "alpinexalpine", "", false},
    {"$NOPE", "", "NOPE", false},
    {"${NOPE}", "", "NOPE", false},
    {"${NOPE:-def}", "def", "", false},
    {"${NOPE-def}", "def", "", false},
    {"${EMPTY:-def}", "def", "", false},
    {"${EMPTY-def}", "", "", false},
    {"${A:+alt}", "alt", "", false},
    {"${NOPE:+alt}", "", "", false},
    {"${EMPTY:+alt}", "", "", false},
    {"${EMPTY+alt}", "alt", "", false},
    {"${A:-$NOPE}", "alpine", "", false},
    {"${NOPE:-$NOPE2}", "", "NOPE2", false},
    {"${NOPE:-${A:-x}}", "alpine", "", false},
    {"${ARCH}", "arm64", "", true},
    {"base-$ARCH", "base-arm64", "", true},
    {"${NOPE:-$ARCH}", "arm64", "", true},
    {"'$A'", "$A", "", false},
    {"\"$A\"", "alpine", "", false},
    {"\"a\\\"b\"", "a\"b", "", false},
    {"\"a\\xb\"", "a\\xb", "", false},
    {"a\\$A", "a$A", "", false},
    {"$", "$", "", false},
    {"$-", "", "-", false},
    {"a$", "a$", "", false},
    {"${V#v}", "1.2.3", "", false},
    {"${V%.*}", "v1.2", "", false},
    {"${V%%.*}", "v1", "", false},
    {"${P##*/}", "c", "", false},
    {"${P#*/}", "b/c", "", false},
    {"${A:?gone}", "alpine", "", false},
    {"${NOPE:?gone}", NULL, "", false},
    {"${NOPE?gone}", NULL, "", false},
    {"${A", NULL, "", false},
    {"${}", NULL, "", false},
    {"${:-x}", NULL, "", false},
    {"${A:x}", NULL, "", false},
    {"${A!}", NULL, "", false},
    {"'open", NULL, "", false},
    {"\"open", NULL, "", false},
    {"${NOPE:-'a b'}", "a b", "", false},
    {"trailing\\", "trailing", "", false},
};

static void set_env(scan_env *env) {
  assert_int_equal(scan_env_set(env, "A", "alpine", false), 0);
  assert_int_equal(scan_env_set(env, "EMPTY", "", false), 0);
  assert_int_equal(scan_env_set(env, "ARCH", "arm64", true), 0);
  assert_int_equal(scan_env_set(env, "V", "v1.2.3", false), 0);
  assert_int_equal(scan_env_set(env, "P", "a/b/c", false), 0);
  assert_int_equal(scan_env_set(env, "DECLARED", NULL, false), 0);
}

static void test_expand_table(void **state) {
  scan_env env = {0};

  (void)state;
  set_env(&env);
  for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
    const expand_case *c = &cases[i];
    am_buf out;
    scan_expand_info info = {0};
    int rc;

    am_buf_init(&out, AM_SCAN_WORD_MAX);
    rc = scan_expand(c->word, '\\', SCAN_EXPAND_DOCKERFILE, &env, &out, &info);
    if (c->want == NULL) {
      if (rc == 0)
        fail_msg("case %zu '%s': expected an error, got '%s'", i, c->word,
                 out.data);
      assert_true(info.error[0] != '\0');
    } else {
      if (rc != 0 || strcmp(out.data, c->want) != 0)
        fail_msg("case %zu '%s': got %d '%s' (%s), want '%s'", i, c->word, rc,
                 out.data ? out.data : "", info.error, c->want);
      if (strcmp(info.unset, c->unset) != 0)
        fail_msg("case %zu '%s': unset '%s', want '%s'", i, c->word, info.unset,
                 c->unset);
      if (info.used_platform != c->platform)
        fail_msg("case %zu '%s': platform flag wrong", i, c->word);
    }
    am_buf_free(&out);
  }
  scan_env_free(&env);
}

/* A declared ARG without a value counts as unset. */
static void test_declared_without_value(void **state) {
  scan_env env = {0};
  am_buf out;
  scan_expand_info info = {0};

  (void)state;
  set_env(&env);
  am_buf_init(&out, 0);
  assert_int_equal(scan_expand("x$DECLARED", '\\', SCAN_EXPAND_DOCKERFILE, &env,
                               &out, &info),
                   0);
  assert_string_equal(out.data, "x");
  assert_string_equal(info.unset, "DECLARED");
  am_buf_free(&out);
  scan_env_free(&env);
}

/* The backtick escape token replaces the backslash. */
static void test_backtick_escape(void **state) {
  scan_env env = {0};
  am_buf out;
  scan_expand_info info = {0};

  (void)state;
  set_env(&env);
  am_buf_init(&out, 0);
  assert_int_equal(
      scan_expand("c:\\dir`$A", '`', SCAN_EXPAND_DOCKERFILE, &env, &out, &info),
      0);
  assert_string_equal(out.data, "c:\\dir$A");
  am_buf_free(&out);
  scan_env_free(&env);
}

/* Compose keeps quotes and turns $$ into $. */
static void test_compose_mode(void **state) {
  scan_env env = {0};
  am_buf out;
  scan_expand_info info = {0};

  (void)state;
  am_buf_init(&out, 0);
  assert_int_equal(scan_expand("'a'$$b${T:-1}", '\\', SCAN_EXPAND_COMPOSE, &env,
                               &out, &info),
                   0);
  assert_string_equal(out.data, "'a'$b1");
  am_buf_free(&out);
}

/* Nesting and output size are bounded. */
static void test_bounds(void **state) {
  scan_env env = {0};
  am_buf out;
  scan_expand_info info = {0};
  char deep[4096];
  size_t n = 0;

  (void)state;
  for (int i = 0; i < 200; i++)
    n += (size_t)snprintf(deep + n, sizeof(deep) - n, "${X:-");
  for (int i = 0; i < 200; i++)
    deep[n++] = '}';
  deep[n] = '\0';
  am_buf_init(&out, AM_SCAN_WORD_MAX);
  assert_int_not_equal(
      scan_expand(deep, '\\', SCAN_EXPAND_DOCKERFILE, &env, &out, &info), 0);
  am_buf_free(&out);

  /* An ARG doubled 20 times would be a megabyte; the cap stops it. */
  assert_int_equal(scan_env_set(&env, "B", "0123456789abcdef", false), 0);
  for (int i = 0; i < 20; i++) {
    scan_expand_info step = {0};
    int rc;

    am_buf_init(&out, AM_SCAN_WORD_MAX);
    rc = scan_expand("$B$B", '\\', SCAN_EXPAND_DOCKERFILE, &env, &out, &step);
    if (rc != 0) {
      assert_int_equal(rc, AM_ETOOBIG);
      am_buf_free(&out);
      break;
    }
    assert_int_equal(scan_env_set(&env, "B", out.data, false), 0);
    am_buf_free(&out);
  }
  assert_true(strlen(scan_env_get(&env, "B")->value) <= AM_SCAN_WORD_MAX);
  scan_env_free(&env);
}

/* The variable table refuses to grow past its cap. */
static void test_env_cap(void **state) {
  scan_env env = {0};
  char name[32];
  int rc = 0;

  (void)state;
  for (int i = 0; i < AM_SCAN_VARS_MAX + 5 && rc == 0; i++) {
    snprintf(name, sizeof(name), "V%d", i);
    rc = scan_env_set(&env, name, "x", false);
  }
  assert_int_equal(rc, AM_ETOOBIG);
  assert_int_equal(env.n, AM_SCAN_VARS_MAX);
  /* Replacing an existing name still works at the cap. */
  assert_int_equal(scan_env_set(&env, "V1", "y", false), 0);
  assert_string_equal(scan_env_get(&env, "V1")->value, "y");
  scan_env_free(&env);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_expand_table),
      cmocka_unit_test(test_declared_without_value),
      cmocka_unit_test(test_backtick_escape),
      cmocka_unit_test(test_compose_mode),
      cmocka_unit_test(test_bounds),
      cmocka_unit_test(test_env_cap),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
