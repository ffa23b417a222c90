/* SPDX-License-Identifier: MIT */
/* The image reference grammar of the distribution project. */
#include "ref/ref.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* A path component: alnum runs joined by '.', '_', '__' or any run of '-'. */
static bool valid_path_component(const char *s, size_t n) {
  size_t i = 0;

  if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
    return false;
  while (i < n) {
    if (is_lower_alnum(s[i])) {
      i++;
      continue;
    }
    if (s[i] == '.') {
      i++;
    } else if (s[i] == '_') {
      i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
    } else if (s[i] == '-') {
      while (i < n && s[i] == '-')
        i++;
    } else {
      return false;
    }
    if (i >= n || !is_lower_alnum(s[i]))
      return false;
  }
  return true;
}

static bool valid_path(const char *s) {
  const char *p = s;

  for (;;) {
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);

    if (!valid_path_component(p, n))
      return false;
    if (slash == NULL)
      return true;
    p = slash + 1;
  }
}

/* domain-component: alnum, with inner '-'. */
static bool valid_domain_component(const char *s, size_t n) {
  if (n == 0 || !isalnum((unsigned char)s[0]) ||
      !isalnum((unsigned char)s[n - 1]))
    return false;
  for (size_t i = 0; i < n; i++) {
    if (!isalnum((unsigned char)s[i]) && s[i] != '-')
      return false;
  }
  return true;
}

/* host[:port], where host is a dotted name or a bracketed IPv6 address. */
static bool valid_domain(const char *s) {
  const char *colon;
  const char *host_end;
  const char *p = s;

  if (s[0] == '[') {
    const char *close = strchr(s, ']');

    if (close == NULL || close == s + 1)
      return false;
    for (p = s + 1; p < close; p++) {
      if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
        return false;
    }
    host_end = close + 1;
  } else {
    colon = strchr(s, ':');
    host_end = colon ? colon : s + strlen(s);
    while (p < host_end) {
      const char *dot = memchr(p, '.', (size_t)(host_end - p));
      size_t n = dot ? (size_t)(dot - p) : (size_t)(host_end - p);

      if (!valid_domain_component(p, n))
        return false;
      p = dot ? dot + 1 : host_end;
      if (dot && p == host_end)
        return false;
    }
  }
  if (*host_end == '\0')
    return true;
  if (*host_end != ':' || host_end[1] == '\0')
    return false;
  for (p = host_end + 1; *p; p++) {
    if (!isdigit((unsigned char)*p))
      return false;
  }
  return true;
}

/* tag: [\w][\w.-]{0,127} */
static bool valid_tag(const char *s) {
  size_t n = strlen(s);

  if (n == 0 || n > AM_REF_TAG_MAX)
    return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    bool word = isalnum(c) || c == '_';

    if (!word && (i == 0 || (c != '.' && c != '-')))
      return false;
  }
  return true;
}

/* algorithm ":" hex, algorithm components [A-Za-z][A-Za-z0-9]* joined by
 * [+._-]; at least 32 hex digits, exactly 64 for sha256. */
static bool valid_digest(const char *s) {
  const char *colon = strchr(s, ':');
  bool start = true;
  size_t hex = 0;

  if (colon == NULL || colon == s)
    return false;
  for (const char *p = s; p < colon; p++) {
    unsigned char c = (unsigned char)*p;

    if (start) {
      if (!isalpha(c))
        return false;
      start = false;
    } else if (c == '+' || c == '.' || c == '_' || c == '-') {
      start = true;
    } else if (!isalnum(c)) {
      return false;
    }
  }
  if (start)
    return false;
  for (const char *p = colon + 1; *p; p++, hex++) {
    if (!isxdigit((unsigned char)*p))
      return false;
  }
  if (hex < 32)
    return false;
  if (strncmp(s, "sha256:", 7) == 0 && hex != 64)
    return false;
  return true;
}

static bool has_upper(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (isupper((unsigned char)s[i]))
      return true;
  }
  return false;
}

/* Copy `s` into `out` of `size` bytes, cut to fit, as "%s" would be. */
static size_t copy_bounded(char *out, size_t size, const char *s) {
  size_t n = strlen(s);

  if (size == 0)
    return 0;
  if (n >= size)
    n = size - 1;
  memcpy(out, s, n);
  out[n] = '\0';
  return n;
}

/* Split "name[:tag][@digest]" into its parts, copying into `ref`. */
static int split_tag_digest(const char *s, char *name, am_ref *ref,
                            am_err *err) {
  const char *at = strchr(s, '@');
  size_t name_len = at ? (size_t)(at - s) : strlen(s);
  const char *last_slash;
  const char *colon;

  if (at != NULL) {
    if (strlen(at + 1) > AM_REF_DIGEST_MAX || !valid_digest(at + 1))
      return am_err_set(err, AM_EINVALID, "invalid digest in '%s'", s);
    copy_bounded(ref->digest, sizeof(ref->digest), at + 1);
  }
  if (name_len > 2 * AM_REF_NAME_MAX + AM_REF_TAG_MAX)
    return am_err_set(err, AM_EINVALID,
                      "repository name must not be longer than %d characters",
                      AM_REF_NAME_MAX);
  memcpy(name, s, name_len);
  name[name_len] = '\0';
  last_slash = strrchr(name, '/');
  colon = strrchr(last_slash ? last_slash : name, ':');
  if (colon != NULL) {
    if (!valid_tag(colon + 1))
      return am_err_set(err, AM_EINVALID, "invalid tag in '%s'", s);
    copy_bounded(ref->tag, sizeof(ref->tag), colon + 1);
    name[colon - name] = '\0';
  }
  return AM_OK;
}

int am_ref_parse(am_ref *out, const char *s, am_err *err) {
  char name[2 * AM_REF_NAME_MAX + AM_REF_TAG_MAX + 2];
  const char *remote = name;
  const char *prefix;
  const char *slash;
  int rc;

  memset(out, 0, sizeof(*out));
  if (s == NULL || *s == '\0')
    return am_err_set(err, AM_EINVALID, "empty image reference");
  rc = split_tag_digest(s, name, out, err);
  if (rc != AM_OK)
    return rc;
  if (name[0] == '\0')
    return am_err_set(err, AM_EINVALID, "invalid reference format '%s'", s);
  if (strlen(name) > AM_REF_NAME_MAX)
    return am_err_set(err, AM_EINVALID,
                      "repository name must not be longer than %d characters",
                      AM_REF_NAME_MAX);

  slash = strchr(name, '/');
  if (slash != NULL) {
    size_t n = (size_t)(slash - name);

    if (memchr(name, '.', n) || memchr(name, ':', n) ||
        (n == 9 && strncmp(name, "localhost", 9) == 0) || has_upper(name, n)) {
      memcpy(out->domain, name, n);
      out->domain[n] = '\0';
      remote = slash + 1;
      if (!valid_domain(out->domain))
        return am_err_set(err, AM_EINVALID, "invalid registry '%s' in '%s'",
                          out->domain, s);
    }
  }
  if (out->domain[0] == '\0' || !strcmp(out->domain, "index.docker.io") ||
      !strcmp(out->domain, "registry-1.docker.io"))
    strcpy(out->domain, "docker.io");

  if (!valid_path(remote)) {
    /* Say "lowercase" only when lowercasing is all it would take. */
    char lower[sizeof(name)];
    size_t i = 0;

    for (; remote[i]; i++)
      lower[i] = (char)tolower((unsigned char)remote[i]);
    lower[i] = '\0';
    if (has_upper(remote, i) && valid_path(lower))
      return am_err_set(err, AM_EINVALID,
                        "repository name must be lowercase in '%s'", s);
    return am_err_set(err, AM_EINVALID, "invalid reference format '%s'", s);
  }
  prefix = (!strcmp(out->domain, "docker.io") && strchr(remote, '/') == NULL)
               ? "library/"
               : "";
  /* The limit holds for the normalised name, as distribution checks it:
   * "docker.io/library/" counts, so a name may be fine as written and too
   * long once normalised (found by fuzzing). */
  if (strlen(out->domain) + 1 + strlen(prefix) + strlen(remote) >
      AM_REF_NAME_MAX)
    return am_err_set(err, AM_EINVALID,
                      "repository name must not be longer than %d characters",
                      AM_REF_NAME_MAX);
  strcpy(out->path, prefix);
  strcat(out->path, remote);
  if (out->tag[0] == '\0' && out->digest[0] == '\0')
    strcpy(out->tag, "latest");
  return AM_OK;
}

void am_ref_format_name(const am_ref *ref, char *out, size_t size) {
  snprintf(out, size, "%s/%s", ref->domain, ref->path);
}

/* Formatting is on the scan's hot path (every image named, every build):
 * the parts are copied, not printed. */
void am_ref_format(const am_ref *ref, char *out, size_t size) {
  const char *parts[6] = {ref->domain, "/",
                          ref->path,   ref->tag[0] ? ":" : "",
                          ref->tag,    ref->digest[0] ? "@" : ""};
  size_t n = 0;

  if (size == 0)
    return;
  out[0] = '\0';
  for (size_t i = 0; i < 6 && n + 1 < size; i++)
    n += copy_bounded(out + n, size - n, parts[i]);
  if (n + 1 < size)
    copy_bounded(out + n, size - n, ref->digest);
}

int am_ref_normalize(const char *in, char *out, size_t size, am_err *err) {
  am_ref ref;
  int rc = am_ref_parse(&ref, in, err);

  if (rc != AM_OK)
    return rc;
  am_ref_format(&ref, out, size);
  return AM_OK;
}
