/* SPDX-License-Identifier: MIT */
/* Credentials from docker/podman config files: auths (base64 auth,
 * username/password, identitytoken), credHelpers and credsStore through a
 * fake docker-credential-test helper, file order, host matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "registry/credentials.h"
#include "util/strv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static void write_text(const char *name, const char *text, int mode) {
  char path[512];
  FILE *f = NULL;

  snprintf(path, sizeof(path), "%s/%s", dir, name);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  chmod(path, (mode_t)mode);
}

/* The fake helper answers for two servers, counts its runs, and fails
 * like the real ones ("credentials not found") for the rest. */
static const char helper[] =
    "#!/bin/sh\n"
    "[ \"$1\" = get ] || exit 2\n"
    "server=$(cat)\n"
    "echo run >> \"$AM_TEST_HELPER_LOG\"\n"
    "case \"$server\" in\n"
    "  helper.example) echo '{\"ServerURL\":\"helper.example\","
    "\"Username\":\"huser\",\"Secret\":\"hsecret\"}' ;;\n"
    "  https://index.docker.io/v1/) echo '{\"Username\":\"<token>\","
    "\"Secret\":\"refresh-123\"}' ;;\n"
    "  store.example:5000) echo '{\"Username\":\"suser\","
    "\"Secret\":\"ssecret\"}' ;;\n"
    "  *) echo 'credentials not found in native keychain'; exit 1 ;;\n"
    "esac\n";

static int setup(void **state) {
  char path_env[4096];
  char log[512];

  (void)state;
  snprintf(dir, sizeof(dir), "/tmp/am-creds-XXXXXX");
  if (mkdtemp(dir) == NULL)
    return -1;
  write_text("docker-credential-test", helper, 0755);
  snprintf(path_env, sizeof(path_env), "%s:%s", dir,
           getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
  setenv("PATH", path_env, 1);
  snprintf(log, sizeof(log), "%s/helper.log", dir);
  setenv("AM_TEST_HELPER_LOG", log, 1);
  return 0;
}

static int teardown(void **state) {
  char cmd[512];

  (void)state;
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static int helper_runs(void) {
  char path[512];
  FILE *f = NULL;
  int runs = 0;
  char line[64];

  snprintf(path, sizeof(path), "%s/helper.log", dir);
  f = fopen(path, "r");
  if (f == NULL)
    return 0;
  while (fgets(line, sizeof(line), f))
    runs++;
  fclose(f);
  return runs;
}

static am_credstore *open_one(const char *name) {
  char path[512];
  const char *paths[1] = {path};
  am_credstore *s = NULL;
  am_err err;

  snprintf(path, sizeof(path), "%s/%s", dir, name);
  assert_int_equal(am_credstore_open_files(&s, paths, 1, &err), AM_OK);
  return s;
}

static void test_auths(void **state) {
  am_credstore *s = NULL;
  am_creds c = {NULL, NULL, false};
  am_err err;

  (void)state;
  /* dXNlcjpwYXNzOndpdGg6Y29sb25z = base64("user:pass:with:colons") */
  write_text("auths.json",
             "{\"auths\":{"
             "\"registry.example:5000\":{\"auth\":"
             "\"dXNlcjpwYXNzOndpdGg6Y29sb25z\"},"
             "\"https://legacy.example/v1/\":{\"username\":\"lu\","
             "\"password\":\"lp\"},"
             "\"https://index.docker.io/v1/\":{\"auth\":\"aHViOmh1YnB3\"},"
             "\"idp.example\":{\"auth\":\"aWR1c2VyOg==\","
             "\"identitytoken\":\"refresh-xyz\"},"
             "\"empty.example\":{}"
             "}}",
             0600);
  s = open_one("auths.json");
  assert_int_equal(am_credstore_lookup(s, "registry.example:5000", &c, &err),
                   AM_OK);
  assert_string_equal(c.username, "user");
  assert_string_equal(c.secret, "pass:with:colons");
  assert_false(c.identity_token);
  am_creds_clear(&c);
  /* The port is part of the host: another port has no credentials. */
  assert_int_equal(am_credstore_lookup(s, "registry.example", &c, &err),
                   AM_ENOTFOUND);
  assert_int_equal(am_credstore_lookup(s, "legacy.example", &c, &err), AM_OK);
  assert_string_equal(c.username, "lu");
  assert_string_equal(c.secret, "lp");
  am_creds_clear(&c);
  /* Docker Hub's legacy key answers for the host actually contacted. */
  assert_int_equal(am_credstore_lookup(s, "registry-1.docker.io", &c, &err),
                   AM_OK);
  assert_string_equal(c.username, "hub");
  assert_string_equal(c.secret, "hubpw");
  am_creds_clear(&c);
  assert_int_equal(am_credstore_lookup(s, "idp.example", &c, &err), AM_OK);
  assert_string_equal(c.username, "iduser");
  assert_string_equal(c.secret, "refresh-xyz");
  assert_true(c.identity_token);
  am_creds_clear(&c);
  assert_int_equal(am_credstore_lookup(s, "empty.example", &c, &err),
                   AM_ENOTFOUND);
  assert_int_equal(am_credstore_lookup(s, "other.example", &c, &err),
                   AM_ENOTFOUND);
  am_credstore_free(s);
}

static void test_cred_helpers(void **state) {
  am_credstore *s = NULL;
  am_creds c = {NULL, NULL, false};
  am_err err;
  int before = helper_runs();

  (void)state;
  write_text("helpers.json",
             "{\"credHelpers\":{\"helper.example\":\"test\","
             "\"docker.io\":\"test\",\"nohelper.example\":\"missing-one\","
             "\"evil.example\":\"../../bin/sh\"},"
             "\"auths\":{\"nohelper.example\":{\"auth\":\"YTpi\"}}}",
             0600);
  s = open_one("helpers.json");
  assert_int_equal(am_credstore_lookup(s, "helper.example", &c, &err), AM_OK);
  assert_string_equal(c.username, "huser");
  assert_string_equal(c.secret, "hsecret");
  assert_false(c.identity_token);
  am_creds_clear(&c);
  /* Answers are remembered: no second run of the helper. */
  assert_int_equal(am_credstore_lookup(s, "helper.example", &c, &err), AM_OK);
  am_creds_clear(&c);
  assert_int_equal(helper_runs(), before + 1);
  /* Docker Hub is asked for under its legacy URL; "<token>" means an
   * identity token. */
  assert_int_equal(am_credstore_lookup(s, "registry-1.docker.io", &c, &err),
                   AM_OK);
  assert_string_equal(c.secret, "refresh-123");
  assert_true(c.identity_token);
  am_creds_clear(&c);
  /* A helper that cannot run falls back to auths. */
  assert_int_equal(am_credstore_lookup(s, "nohelper.example", &c, &err), AM_OK);
  assert_string_equal(c.username, "a");
  assert_string_equal(c.secret, "b");
  am_creds_clear(&c);
  /* A helper name with a path in it is never run. */
  assert_int_equal(am_credstore_lookup(s, "evil.example", &c, &err),
                   AM_ENOTFOUND);
  am_credstore_free(s);
}

static void test_creds_store_and_order(void **state) {
  char first[512];
  char second[512];
  const char *paths[2] = {first, second};
  am_credstore *s = NULL;
  am_creds c = {NULL, NULL, false};
  am_err err;

  (void)state;
  write_text("podman.json",
             "{\"auths\":{\"both.example\":{\"auth\":\"cG9kOnBvZA==\"}}}",
             0600);
  write_text("docker.json",
             "{\"credsStore\":\"test\",\"auths\":{\"both.example\":"
             "{\"auth\":\"ZG9jOmRvYw==\"},\"store.example:5000\":{}}}",
             0600);
  snprintf(first, sizeof(first), "%s/podman.json", dir);
  snprintf(second, sizeof(second), "%s/docker.json", dir);
  assert_int_equal(am_credstore_open_files(&s, paths, 2, &err), AM_OK);
  /* The first file wins (REGISTRY_AUTH_FILE before the docker config). */
  assert_int_equal(am_credstore_lookup(s, "both.example", &c, &err), AM_OK);
  assert_string_equal(c.username, "pod");
  am_creds_clear(&c);
  /* An empty auths entry defers to the credsStore. */
  assert_int_equal(am_credstore_lookup(s, "store.example:5000", &c, &err),
                   AM_OK);
  assert_string_equal(c.username, "suser");
  assert_string_equal(c.secret, "ssecret");
  am_creds_clear(&c);
  /* The store saying "not found" is not an error. */
  assert_int_equal(am_credstore_lookup(s, "unknown.example", &c, &err),
                   AM_ENOTFOUND);
  am_credstore_free(s);
}

static void test_environment(void **state) {
  char cfg[512];
  am_credstore *s = NULL;
  am_creds c = {NULL, NULL, false};
  am_err err;

  (void)state;
  snprintf(cfg, sizeof(cfg), "%s/dockercfg", dir);
  mkdir(cfg, 0700);
  write_text("dockercfg/config.json",
             "{\"auths\":{\"env.example\":{\"auth\":\"ZW52OnB3\"}}}", 0600);
  write_text("authfile.json",
             "{\"auths\":{\"env.example\":{\"auth\":\"YXV0aDpwdw==\"}}}", 0600);
  setenv("DOCKER_CONFIG", cfg, 1);
  unsetenv("REGISTRY_AUTH_FILE");
  assert_int_equal(am_credstore_open(&s, &err), AM_OK);
  assert_int_equal(am_credstore_lookup(s, "env.example", &c, &err), AM_OK);
  assert_string_equal(c.username, "env");
  am_creds_clear(&c);
  am_credstore_free(s);

  snprintf(cfg, sizeof(cfg), "%s/authfile.json", dir);
  setenv("REGISTRY_AUTH_FILE", cfg, 1);
  assert_int_equal(am_credstore_open(&s, &err), AM_OK);
  assert_int_equal(am_credstore_lookup(s, "env.example", &c, &err), AM_OK);
  assert_string_equal(c.username, "auth");
  am_creds_clear(&c);
  am_credstore_free(s);

  /* A missing file is fine; a malformed one is an error naming it. */
  snprintf(cfg, sizeof(cfg), "%s/nothing-here", dir);
  setenv("DOCKER_CONFIG", cfg, 1);
  unsetenv("REGISTRY_AUTH_FILE");
  assert_int_equal(am_credstore_open(&s, &err), AM_OK);
  am_credstore_free(s);
  write_text("broken.json", "{\"auths\": ", 0600);
  snprintf(cfg, sizeof(cfg), "%s/broken.json", dir);
  setenv("REGISTRY_AUTH_FILE", cfg, 1);
  assert_int_equal(am_credstore_open(&s, &err), AM_EINVALID);
  assert_non_null(strstr(err.msg, "broken.json"));
  unsetenv("REGISTRY_AUTH_FILE");
}

static void test_bad_base64(void **state) {
  am_credstore *s = NULL;
  am_creds c = {NULL, NULL, false};
  am_err err;

  (void)state;
  write_text("bad64.json",
             "{\"auths\":{\"a.example\":{\"auth\":\"!!!notbase64\"},"
             "\"b.example\":{\"auth\":\"bm9jb2xvbg==\"}}}",
             0600);
  s = open_one("bad64.json");
  assert_int_equal(am_credstore_lookup(s, "a.example", &c, &err), AM_EINVALID);
  /* "nocolon" decodes but is not user:password. */
  assert_int_equal(am_credstore_lookup(s, "b.example", &c, &err), AM_EINVALID);
  assert_null(strstr(err.msg, "nocolon"));
  am_credstore_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_auths),
      cmocka_unit_test(test_cred_helpers),
      cmocka_unit_test(test_creds_store_and_order),
      cmocka_unit_test(test_environment),
      cmocka_unit_test(test_bad_base64),
  };

  return cmocka_run_group_tests(tests, setup, teardown);
}
