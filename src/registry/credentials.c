/* SPDX-License-Identifier: MIT */
/* Registry credentials from docker and podman configuration files and
 * credential helpers. */
#include "registry/credentials.h"

#include "util/buf.h"
#include "util/log.h"
#include "util/strv.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Docker Hub's credentials live under this key, whatever host serves it. */
#define DOCKER_HUB_KEY "https://index.docker.io/v1/"
#define HELPER_OUTPUT_MAX (64 * 1024)
#define HELPER_TIMEOUT_MS 30000
#define CONFIG_MAX (4 * 1024 * 1024)

/* A remembered answer: credentials, or that there are none. */
typedef struct remembered {
  char *host;
  bool found;
  am_creds creds;
  struct remembered *next;
} remembered;

struct am_credstore {
  json_t **files; /* parsed configurations, in lookup order */
  char **paths;
  size_t nfiles;
  remembered *answers;
};

void am_creds_clear(am_creds *c) {
  if (c == NULL)
    return;
  free(c->username);
  am_scrub_free(c->secret);
  c->username = c->secret = NULL;
  c->identity_token = false;
}

void am_credstore_free(am_credstore *store) {
  if (store == NULL)
    return;
  for (size_t i = 0; i < store->nfiles; i++) {
    json_decref(store->files[i]);
    free(store->paths[i]);
  }
  free(store->files);
  free(store->paths);
  while (store->answers) {
    remembered *r = store->answers;

    store->answers = r->next;
    free(r->host);
    am_creds_clear(&r->creds);
    free(r);
  }
  free(store);
}

static int add_file(am_credstore *s, const char *path, am_err *err) {
  json_error_t jerr;
  json_t *root = NULL;
  json_t **files = NULL;
  char **paths = NULL;
  struct stat st;

  if (stat(path, &st) != 0)
    return errno == ENOENT
               ? AM_OK
               : am_err_set(err, AM_EIO, "%s: %s", path, strerror(errno));
  if (st.st_size > CONFIG_MAX)
    return am_err_set(err, AM_ETOOBIG, "%s: over %d bytes", path, CONFIG_MAX);
  root = json_load_file(path, 0, &jerr);
  if (!json_is_object(root)) {
    json_decref(root);
    return am_err_set(err, AM_EINVALID, "%s: line %d: %s", path, jerr.line,
                      root ? "not a JSON object" : jerr.text);
  }
  files = realloc(s->files, (s->nfiles + 1) * sizeof(*files));
  if (files)
    s->files = files;
  paths = realloc(s->paths, (s->nfiles + 1) * sizeof(*paths));
  if (paths)
    s->paths = paths;
  if (files == NULL || paths == NULL ||
      (s->paths[s->nfiles] = am_strdup(path)) == NULL) {
    json_decref(root);
    return am_err_set(err, AM_ENOMEM, "out of memory");
  }
  s->files[s->nfiles++] = root;
  return AM_OK;
}

int am_credstore_open_files(am_credstore **out, const char *const *paths,
                            size_t n, am_err *err) {
  am_credstore *s = calloc(1, sizeof(*s));
  int rc = AM_OK;

  *out = NULL;
  if (s == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) {
    rc = add_file(s, paths[i], err);
    if (rc != AM_OK) {
      am_credstore_free(s);
      return rc;
    }
  }
  *out = s;
  return AM_OK;
}

int am_credstore_open(am_credstore **out, am_err *err) {
  const char *auth_file = getenv("REGISTRY_AUTH_FILE");
  const char *docker_dir = getenv("DOCKER_CONFIG");
  const char *home = getenv("HOME");
  const char *paths[2] = {NULL, NULL};
  char *docker_path = NULL;
  size_t n = 0;
  int rc = AM_OK;

  if (auth_file && auth_file[0])
    paths[n++] = auth_file;
  if (docker_dir && docker_dir[0])
    docker_path = am_asprintf("%s/config.json", docker_dir);
  else if (home && home[0])
    docker_path = am_asprintf("%s/.docker/config.json", home);
  if (docker_path)
    paths[n++] = docker_path;
  rc = am_credstore_open_files(out, paths, n, err);
  free(docker_path);
  return rc;
}

/* Registry names that mean Docker Hub. */
static bool is_docker_hub(const char *host) {
  return strcasecmp(host, "docker.io") == 0 ||
         strcasecmp(host, "index.docker.io") == 0 ||
         strcasecmp(host, "registry-1.docker.io") == 0;
}

/* Reduce a config key ("https://host:5000/v1/", "host") to "host:5000". */
static void key_host(const char *key, char *out, size_t size) {
  const char *p = strstr(key, "://");
  size_t n = 0;

  p = p ? p + 3 : key;
  n = strcspn(p, "/");
  if (n >= size)
    n = size - 1;
  for (size_t i = 0; i < n; i++)
    out[i] = (char)tolower((unsigned char)p[i]);
  out[n] = '\0';
}

static bool key_matches(const char *key, const char *host) {
  char kh[256];

  key_host(key, kh, sizeof(kh));
  if (is_docker_hub(host) && is_docker_hub(kh))
    return true;
  return strcasecmp(kh, host) == 0;
}

/* The first member of object `obj` whose key names `host`. */
static json_t *find_for_host(json_t *obj, const char *host,
                             const char **key_out) {
  const char *key = NULL;
  json_t *value = NULL;

  if (!json_is_object(obj))
    return NULL;
  /* An exact key wins over a looser spelling of the same host. */
  value = json_object_get(obj, host);
  if (value) {
    *key_out = host;
    return value;
  }
  json_object_foreach(obj, key, value) {
    if (key_matches(key, host)) {
      *key_out = key;
      return value;
    }
  }
  return NULL;
}

static int set_creds(am_creds *out, const char *user, const char *secret,
                     bool identity) {
  out->username = am_strdup(user ? user : "");
  out->secret = am_strdup(secret ? secret : "");
  out->identity_token = identity;
  if (out->username == NULL || out->secret == NULL) {
    am_creds_clear(out);
    return AM_ENOMEM;
  }
  return AM_OK;
}

/* Decode an `auths` entry: base64 "user:password" in `auth`, or separate
 * `username`/`password`; an `identitytoken` replaces the password. */
static int creds_from_auth_entry(json_t *entry, am_creds *out, const char *path,
                                 am_err *err) {
  const char *auth = json_string_value(json_object_get(entry, "auth"));
  const char *identity =
      json_string_value(json_object_get(entry, "identitytoken"));
  const char *user = json_string_value(json_object_get(entry, "username"));
  const char *password = json_string_value(json_object_get(entry, "password"));
  unsigned char *decoded = NULL;
  char *colon = NULL;
  size_t alen = 0;
  int n = 0;
  int rc = AM_ENOTFOUND;

  if (auth && auth[0]) {
    alen = strlen(auth);
    decoded = malloc(alen + 1);
    if (decoded == NULL)
      return am_err_set(err, AM_ENOMEM, "out of memory");
    n = EVP_DecodeBlock(decoded, (const unsigned char *)auth, (int)alen);
    if (n < 0) {
      rc =
          am_err_set(err, AM_EINVALID, "%s: an auth entry is not base64", path);
      goto done;
    }
    /* EVP_DecodeBlock counts padding as zero bytes; drop them. */
    while (alen > 0 && auth[alen - 1] == '=' && n > 0) {
      alen--;
      n--;
    }
    decoded[n] = '\0';
    colon = strchr((char *)decoded, ':');
    if (colon == NULL) {
      rc = am_err_set(err, AM_EINVALID,
                      "%s: an auth entry is not user:password", path);
      goto done;
    }
    *colon = '\0';
    user = (const char *)decoded;
    password = colon + 1;
  }
  if (identity && identity[0])
    rc = set_creds(out, user, identity, true);
  else if (user && user[0] && password)
    rc = set_creds(out, user, password, false);
  if (rc == AM_ENOMEM)
    am_err_set(err, rc, "out of memory");

done:
  if (decoded) {
    OPENSSL_cleanse(decoded, alen + 1);
    free(decoded);
  }
  return rc;
}

/* Helper names become part of a program name: keep them to a safe set. */
static bool valid_helper_name(const char *name) {
  if (name == NULL || name[0] == '\0' || strlen(name) > 64)
    return false;
  for (const char *p = name; *p; p++) {
    if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
      return false;
  }
  return true;
}

/* How long a credential helper may take, in milliseconds: 30 s, or
 * ARCHMATRIX_HELPER_TIMEOUT seconds (1 to 300). */
static long helper_timeout_ms(void) {
  const char *v = getenv("ARCHMATRIX_HELPER_TIMEOUT");
  char *end = NULL;
  long s = v ? strtol(v, &end, 10) : 0;

  if (v == NULL || end == v || *end != '\0' || s < 1 || s > 300)
    return HELPER_TIMEOUT_MS;
  return s * 1000;
}

/* Read the helper's answer until it closes its output: AM_ERROR when it
 * takes longer than `limit_ms` in all, writing slowly or not at all. */
static int read_helper_output(int fd, am_buf *out, long limit_ms) {
  char chunk[4096];
  struct timespec start;
  struct timespec now;

  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    struct pollfd pfd = {fd, POLLIN, 0};
    long elapsed = 0;
    ssize_t n = 0;
    int ready = 0;

    clock_gettime(CLOCK_MONOTONIC, &now);
    elapsed = (now.tv_sec - start.tv_sec) * 1000 +
              (now.tv_nsec - start.tv_nsec) / 1000000;
    if (elapsed >= limit_ms)
      return AM_ERROR;
    ready = poll(&pfd, 1, (int)(limit_ms - elapsed));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready < 0)
      return AM_EIO;
    /* Nothing within the time left: a read now would block. */
    if (ready == 0)
      return AM_ERROR;
    n = read(fd, chunk, sizeof(chunk));
    if (n == 0)
      return AM_OK;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      return AM_EIO;
    }
    if (am_buf_append(out, chunk, (size_t)n) != AM_OK)
      return AM_ETOOBIG;
  }
}

/*
 * Run `docker-credential-<name> get` with `server` on stdin and parse its
 * {"Username", "Secret"} answer. The input is written into the pipe
 * before the helper starts, so a helper that exits early cannot raise
 * SIGPIPE in this process.
 */
static int run_helper(const char *name, const char *server, am_creds *out,
                      am_err *err) {
  char program[96];
  char *argv[3] = {program, "get", NULL};
  int in[2] = {-1, -1};
  int outp[2] = {-1, -1};
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t none;
  bool actions_ready = false;
  bool attr_ready = false;
  pid_t pid = -1;
  int status = 0;
  am_buf buf;
  json_t *root = NULL;
  const char *user = NULL;
  const char *secret = NULL;
  long limit = helper_timeout_ms();
  int read_rc = AM_OK;
  int rc = AM_ENOTFOUND;

  am_buf_init(&buf, HELPER_OUTPUT_MAX);
  if (!valid_helper_name(name)) {
    am_log(AM_LOG_WARN, "credential helper name %.64s refused", name);
    return AM_ENOTFOUND;
  }
  snprintf(program, sizeof(program), "docker-credential-%s", name);
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(outp, O_CLOEXEC) != 0) {
    rc = am_err_set(err, AM_EIO, "pipe: %s", strerror(errno));
    goto done;
  }
  if (write(in[1], server, strlen(server)) != (ssize_t)strlen(server)) {
    rc = am_err_set(err, AM_EIO, "cannot feed %s", program);
    goto done;
  }
  close(in[1]);
  in[1] = -1;
  if (posix_spawn_file_actions_init(&actions) != 0)
    goto done;
  actions_ready = true;
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, outp[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  /* The CLI blocks SIGINT and SIGTERM in its threads (src/cli/signals.c);
   * a helper must get them as usual. */
  if (posix_spawnattr_init(&attr) != 0)
    goto done;
  attr_ready = true;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  if (posix_spawnp(&pid, program, &actions, &attr, argv, environ) != 0) {
    am_log(AM_LOG_WARN, "%s: cannot run %s", server, program);
    pid = -1;
    goto done;
  }
  close(outp[1]);
  outp[1] = -1;
  if ((read_rc = read_helper_output(outp[0], &buf, limit)) == AM_ERROR) {
    am_log(AM_LOG_WARN,
           "%s: %s did not answer within %ld s; going on without "
           "credentials",
           server, program, limit / 1000);
    kill(pid, SIGKILL);
  } else if (read_rc != AM_OK) {
    am_log(AM_LOG_WARN, "%s: %s gave no usable answer", server, program);
    kill(pid, SIGKILL);
  }
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  pid = -1;
  /* A helper without credentials for the host exits non-zero; that is
   * an ordinary "none", not a failure of the run. */
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || buf.len == 0) {
    am_log(AM_LOG_DEBUG, "%s: %s has no credentials", server, program);
    goto done;
  }
  root = json_loadb(buf.data, buf.len, 0, NULL);
  user = json_string_value(json_object_get(root, "Username"));
  secret = json_string_value(json_object_get(root, "Secret"));
  if (secret == NULL || secret[0] == '\0') {
    am_log(AM_LOG_WARN, "%s: %s answered without a secret", server, program);
    goto done;
  }
  /* Docker's convention: the user "<token>" means the secret is an
   * identity (refresh) token. */
  rc = set_creds(out, user, secret,
                 user != NULL && strcmp(user, "<token>") == 0);
  if (rc != AM_OK)
    am_err_set(err, rc, "out of memory");

done:
  if (actions_ready)
    posix_spawn_file_actions_destroy(&actions);
  if (attr_ready)
    posix_spawnattr_destroy(&attr);
  for (int i = 0; i < 2; i++) {
    if (in[i] >= 0)
      close(in[i]);
    if (outp[i] >= 0)
      close(outp[i]);
  }
  if (buf.data)
    OPENSSL_cleanse(buf.data, buf.len);
  am_buf_free(&buf);
  json_decref(root);
  return rc;
}

/* What a helper is told the server is: docker uses the Hub's legacy URL. */
static const char *helper_server(const char *host) {
  return is_docker_hub(host) ? DOCKER_HUB_KEY : host;
}

static int lookup_in_file(am_credstore *s, size_t i, const char *host,
                          am_creds *out, am_err *err) {
  json_t *root = s->files[i];
  const char *key = NULL;
  json_t *helper =
      find_for_host(json_object_get(root, "credHelpers"), host, &key);
  json_t *entry = NULL;
  json_t *store = json_object_get(root, "credsStore");
  int rc = AM_ENOTFOUND;

  if (json_is_string(helper)) {
    rc = run_helper(json_string_value(helper), helper_server(host), out, err);
    if (rc != AM_ENOTFOUND)
      return rc;
  }
  entry = find_for_host(json_object_get(root, "auths"), host, &key);
  if (json_is_object(entry)) {
    rc = creds_from_auth_entry(entry, out, s->paths[i], err);
    if (rc != AM_ENOTFOUND)
      return rc;
  }
  if (json_is_string(store) && json_string_length(store) > 0)
    rc = run_helper(json_string_value(store), helper_server(host), out, err);
  return rc;
}

static int copy_creds(am_creds *dst, const am_creds *src) {
  return set_creds(dst, src->username, src->secret, src->identity_token);
}

int am_credstore_lookup(am_credstore *store, const char *host, am_creds *out,
                        am_err *err) {
  remembered *r = NULL;
  am_err bad;
  int rc = AM_ENOTFOUND;

  memset(out, 0, sizeof(*out));
  if (store == NULL)
    return AM_ENOTFOUND;
  for (r = store->answers; r; r = r->next) {
    if (strcasecmp(r->host, host) == 0) {
      if (!r->found)
        return AM_ENOTFOUND;
      return copy_creds(out, &r->creds) == AM_OK
                 ? AM_OK
                 : am_err_set(err, AM_ENOMEM, "out of memory");
    }
  }
  am_err_clear(&bad);
  for (size_t i = 0; i < store->nfiles && rc == AM_ENOTFOUND; i++)
    rc = lookup_in_file(store, i, host, out, &bad);
  if (rc == AM_ENOMEM)
    return am_err_set(err, rc, "out of memory");
  /* A malformed entry (not base64, no user:password) is the user's to
   * fix: say so once for the host (the answer is remembered as "none"),
   * and let the caller go on without credentials. */
  if (rc != AM_OK && rc != AM_ENOTFOUND) {
    am_log(AM_LOG_WARN, "%s; going on without credentials for %s", bad.msg,
           host);
    am_err_set(err, rc, "%s", bad.msg);
  }

  r = calloc(1, sizeof(*r));
  if (r && (r->host = am_strdup(host)) != NULL &&
      (rc != AM_OK || copy_creds(&r->creds, out) == AM_OK)) {
    r->found = rc == AM_OK;
    r->next = store->answers;
    store->answers = r;
  } else if (r) {
    free(r->host);
    free(r);
  }
  if (rc == AM_OK)
    am_log(AM_LOG_DEBUG, "%s: using stored credentials", host);
  return rc;
}
