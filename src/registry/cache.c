/* SPDX-License-Identifier: MIT */
/* The registry cache: bodies by digest, tags with a time to live. */
#include "registry/cache.h"

#include "registry/digest.h"
#include "registry/manifest.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/strv.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Bump when the layout changes, so old files are simply not found. */
#define CACHE_SUBDIR "registry/v1"

typedef struct mem_blob {
  char *digest;
  char *body;
  size_t len;
  char *media_type;
  struct mem_blob *next;
} mem_blob;

typedef struct mem_tag {
  char *key;
  char *digest;
  char *media_type;
  time_t when;
  struct mem_tag *next;
} mem_tag;

struct am_cache {
  char *root; /* dir/registry/v1, or NULL */
  mem_blob *blobs;
  mem_tag *tags;
  unsigned tmp_counter;
};

int am_cache_open(am_cache **out, const char *dir, am_err *err) {
  am_cache *c = calloc(1, sizeof(*c));

  *out = NULL;
  if (c == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  if (dir && dir[0]) {
    c->root = am_asprintf("%s/%s", dir, CACHE_SUBDIR);
    if (c->root == NULL) {
      free(c);
      return am_err_set(err, AM_ENOMEM, "out of memory");
    }
  }
  *out = c;
  return AM_OK;
}

void am_cache_free(am_cache *c) {
  if (c == NULL)
    return;
  while (c->blobs) {
    mem_blob *b = c->blobs;

    c->blobs = b->next;
    free(b->digest);
    free(b->body);
    free(b->media_type);
    free(b);
  }
  while (c->tags) {
    mem_tag *t = c->tags;

    c->tags = t->next;
    free(t->key);
    free(t->digest);
    free(t->media_type);
    free(t);
  }
  free(c->root);
  free(c);
}

/* mkdir -p for the folders of `path` (not the last component). */
static int make_parents(const char *path) {
  char *copy = am_strdup(path);
  int rc = AM_OK;

  if (copy == NULL)
    return AM_ENOMEM;
  for (char *p = copy + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(copy, 0755) != 0 && errno != EEXIST)
      rc = AM_EIO;
    *p = '/';
    if (rc != AM_OK)
      break;
  }
  free(copy);
  return rc;
}

/* Write `len` bytes to `path` atomically: temporary file, then rename. */
static int write_atomic(am_cache *c, const char *path, const void *data,
                        size_t len) {
  char *tmp =
      am_asprintf("%s.tmp.%ld.%u", path, (long)getpid(), c->tmp_counter++);
  FILE *f = NULL;
  int rc = AM_EIO;

  if (tmp == NULL)
    return AM_ENOMEM;
  if (make_parents(path) != AM_OK)
    goto done;
  f = fopen(tmp, "wb");
  if (f == NULL)
    goto done;
  if (fwrite(data, 1, len, f) != len) {
    fclose(f);
    unlink(tmp);
    goto done;
  }
  if (fclose(f) != 0 || rename(tmp, path) != 0) {
    unlink(tmp);
    goto done;
  }
  rc = AM_OK;

done:
  free(tmp);
  return rc;
}

/* Read a whole file of at most `max` bytes. */
static int read_file(const char *path, size_t max, char **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  am_buf buf;
  char chunk[8192];
  size_t n = 0;
  int rc = AM_OK;

  *out = NULL;
  *len = 0;
  if (f == NULL)
    return AM_ENOTFOUND;
  am_buf_init(&buf, max);
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
    rc = am_buf_append(&buf, chunk, n);
    if (rc != AM_OK)
      break;
  }
  if (rc == AM_OK && ferror(f))
    rc = AM_EIO;
  fclose(f);
  if (rc == AM_OK) {
    *len = buf.len;
    *out = am_buf_detach(&buf);
    if (*out == NULL)
      rc = AM_ENOMEM;
  }
  am_buf_free(&buf);
  return rc;
}

/* dir/registry/v1/blobs/sha256/<hex> for a valid digest. */
static char *blob_path(am_cache *c, const char *digest, const char *suffix) {
  return am_asprintf("%s/blobs/%.6s/%s%s", c->root, digest, digest + 7, suffix);
}

static mem_blob *find_mem_blob(am_cache *c, const char *digest) {
  for (mem_blob *b = c->blobs; b; b = b->next) {
    if (strcmp(b->digest, digest) == 0)
      return b;
  }
  return NULL;
}

static int remember_blob(am_cache *c, const char *digest, const char *body,
                         size_t len, const char *media_type) {
  mem_blob *b = calloc(1, sizeof(*b));

  if (b == NULL)
    return AM_ENOMEM;
  b->digest = am_strdup(digest);
  b->body = malloc(len + 1);
  b->media_type = am_strdup(media_type);
  if (b->digest == NULL || b->body == NULL ||
      (media_type && b->media_type == NULL)) {
    free(b->digest);
    free(b->body);
    free(b->media_type);
    free(b);
    return AM_ENOMEM;
  }
  memcpy(b->body, body, len);
  b->body[len] = '\0';
  b->len = len;
  b->next = c->blobs;
  c->blobs = b;
  return AM_OK;
}

static void trim_line(char *s) {
  size_t n = strlen(s);

  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
    s[--n] = '\0';
}

int am_cache_get_blob(am_cache *c, const char *digest, char **body, size_t *len,
                      char **media_type) {
  mem_blob *b = NULL;
  char *path = NULL;
  char *type_path = NULL;
  size_t type_len = 0;
  int rc = AM_ENOTFOUND;

  *body = NULL;
  *len = 0;
  *media_type = NULL;
  if (!am_digest_valid(digest))
    return AM_ENOTFOUND;
  b = find_mem_blob(c, digest);
  if (b) {
    *body = malloc(b->len + 1);
    *media_type = am_strdup(b->media_type);
    if (*body == NULL) {
      free(*media_type);
      *media_type = NULL;
      return AM_ENOMEM;
    }
    memcpy(*body, b->body, b->len + 1);
    *len = b->len;
    return AM_OK;
  }
  if (c->root == NULL)
    return AM_ENOTFOUND;
  path = blob_path(c, digest, "");
  type_path = blob_path(c, digest, ".type");
  if (path == NULL || type_path == NULL) {
    rc = AM_ENOMEM;
    goto done;
  }
  if (read_file(path, AM_MANIFEST_MAX_BYTES, body, len) != AM_OK)
    goto done;
  if (am_digest_check(digest, *body, *len, NULL) != AM_OK) {
    /* Never trust a damaged file; drop it so the next run refetches. */
    am_log(AM_LOG_WARN, "cache: %s does not match its digest; removed", path);
    unlink(path);
    free(*body);
    *body = NULL;
    *len = 0;
    goto done;
  }
  if (read_file(type_path, 256, media_type, &type_len) == AM_OK)
    trim_line(*media_type);
  remember_blob(c, digest, *body, *len, *media_type);
  rc = AM_OK;

done:
  free(path);
  free(type_path);
  return rc;
}

int am_cache_put_blob(am_cache *c, const char *digest, const char *body,
                      size_t len, const char *media_type, am_err *err) {
  char *path = NULL;
  char *type_path = NULL;
  int rc = AM_OK;

  rc = am_digest_check(digest, body, len, err);
  if (rc != AM_OK)
    return rc;
  if (find_mem_blob(c, digest) == NULL &&
      remember_blob(c, digest, body, len, media_type) != AM_OK)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  if (c->root == NULL)
    return AM_OK;
  path = blob_path(c, digest, "");
  type_path = blob_path(c, digest, ".type");
  if (path == NULL || type_path == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  /* The type goes first: a body on disk always has its type beside it. */
  if ((media_type &&
       write_atomic(c, type_path, media_type, strlen(media_type)) != AM_OK) ||
      write_atomic(c, path, body, len) != AM_OK)
    rc = am_err_set(err, AM_EIO, "cannot write the cache under %s: %s", c->root,
                    strerror(errno));

done:
  free(path);
  free(type_path);
  return rc;
}

static char *tag_path(am_cache *c, const char *key) {
  char digest[AM_DIGEST_MAX];

  if (am_digest_sha256(digest, key, strlen(key)) != AM_OK)
    return NULL;
  return am_asprintf("%s/tags/%.2s/%s.json", c->root, digest + 7, digest + 7);
}

static mem_tag *find_mem_tag(am_cache *c, const char *key) {
  for (mem_tag *t = c->tags; t; t = t->next) {
    if (strcmp(t->key, key) == 0)
      return t;
  }
  return NULL;
}

static bool is_fresh(time_t when, long ttl) {
  time_t now = time(NULL);

  return ttl >= 0 && when <= now + 60 && now - when < ttl;
}

int am_cache_get_tag(am_cache *c, const char *key, long ttl, char **digest,
                     char **media_type, bool *fresh) {
  mem_tag *t = find_mem_tag(c, key);
  char *path = NULL;
  char *text = NULL;
  size_t len = 0;
  json_t *root = NULL;
  const char *d = NULL;
  int rc = AM_ENOTFOUND;

  *digest = NULL;
  *media_type = NULL;
  *fresh = false;
  if (t) {
    *digest = am_strdup(t->digest);
    *media_type = am_strdup(t->media_type);
    *fresh = is_fresh(t->when, ttl);
    return *digest ? AM_OK : AM_ENOMEM;
  }
  if (c->root == NULL)
    return AM_ENOTFOUND;
  path = tag_path(c, key);
  if (path == NULL || read_file(path, 64 * 1024, &text, &len) != AM_OK)
    goto done;
  root = json_loadb(text, len, 0, NULL);
  d = json_string_value(json_object_get(root, "digest"));
  /* The key is stored too: a hash collision must not answer another tag. */
  if (!am_digest_valid(d) || !json_is_integer(json_object_get(root, "time")) ||
      strcmp(json_string_value(json_object_get(root, "key"))
                 ? json_string_value(json_object_get(root, "key"))
                 : "",
             key) != 0)
    goto done;
  *digest = am_strdup(d);
  *media_type =
      am_strdup(json_string_value(json_object_get(root, "media_type")));
  *fresh =
      is_fresh((time_t)json_integer_value(json_object_get(root, "time")), ttl);
  rc = *digest ? AM_OK : AM_ENOMEM;

done:
  json_decref(root);
  free(text);
  free(path);
  return rc;
}

int am_cache_put_tag(am_cache *c, const char *key, const char *digest,
                     const char *media_type, am_err *err) {
  mem_tag *t = find_mem_tag(c, key);
  json_t *root = NULL;
  char *text = NULL;
  char *path = NULL;
  int rc = AM_OK;

  if (!am_digest_valid(digest))
    return am_err_set(err, AM_EINVALID, "malformed digest");
  if (t == NULL) {
    t = calloc(1, sizeof(*t));
    if (t == NULL || (t->key = am_strdup(key)) == NULL) {
      free(t);
      return am_err_set(err, AM_ENOMEM, "out of memory");
    }
    t->next = c->tags;
    c->tags = t;
  }
  free(t->digest);
  free(t->media_type);
  t->digest = am_strdup(digest);
  t->media_type = am_strdup(media_type);
  t->when = time(NULL);
  if (c->root == NULL)
    return AM_OK;
  root = json_pack("{s:s, s:s, s:s?, s:I}", "key", key, "digest", digest,
                   "media_type", media_type, "time", (json_int_t)t->when);
  text = root ? json_dumps(root, JSON_COMPACT) : NULL;
  path = tag_path(c, key);
  if (text == NULL || path == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  if (write_atomic(c, path, text, strlen(text)) != AM_OK)
    rc = am_err_set(err, AM_EIO, "cannot write the cache under %s: %s", c->root,
                    strerror(errno));

done:
  free(path);
  free(text);
  json_decref(root);
  return rc;
}
