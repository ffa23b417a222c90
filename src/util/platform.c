/* SPDX-License-Identifier: MIT */
/* Platform strings (os/arch[/variant]) and their normalisation. */
#include "util/platform.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Copy a field of `n` bytes, lowercased; fails when it does not fit or holds
 * a character that cannot appear in a platform. */
static int copy_field(char *dst, const char *src, size_t n, bool lower) {
  if (n >= AM_PLATFORM_FIELD_MAX)
    return -1;
  /* ASCII tests, not <ctype.h>: a parse runs per cell of the report, and
   * a locale lookup per character was most of its cost. */
  for (size_t i = 0; i < n; i++) {
    char c = src[i];
    bool upper = c >= 'A' && c <= 'Z';

    if (!upper && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') &&
        c != '_' && c != '-' && c != '.')
      return -1;
    dst[i] = lower && upper ? (char)(c - 'A' + 'a') : c;
  }
  dst[n] = '\0';
  return 0;
}

/* Set a field, cut to fit as "%s" would be. Parsing is on every hot
 * path of the report (each cell of each row), so no snprintf here. */
static void set(char *field, const char *value) {
  size_t n = strlen(value);

  if (n >= AM_PLATFORM_FIELD_MAX)
    n = AM_PLATFORM_FIELD_MAX - 1;
  memmove(field, value, n);
  field[n] = '\0';
}

static void normalize_arm_variant(am_platform *p) {
  const char *v = p->variant;

  if (strcmp(v, "") == 0)
    set(p->variant, "v7");
  else if (isdigit((unsigned char)v[0])) {
    char tmp[AM_PLATFORM_FIELD_MAX];
    size_t n = strlen(v);

    if (n > AM_PLATFORM_FIELD_MAX - 2)
      n = AM_PLATFORM_FIELD_MAX - 2;
    tmp[0] = 'v';
    memcpy(tmp + 1, v, n);
    tmp[n + 1] = '\0';
    set(p->variant, tmp);
  }
}

void am_platform_normalize(am_platform *p) {
  char *a = p->arch;

  if (strcmp(p->os, "macos") == 0)
    set(p->os, "darwin");
  if (!strcmp(a, "x86_64") || !strcmp(a, "x86-64") || !strcmp(a, "amd64")) {
    set(a, "amd64");
    if (!strcmp(p->variant, "v1"))
      p->variant[0] = '\0';
  } else if (!strcmp(a, "aarch64") || !strcmp(a, "arm64")) {
    set(a, "arm64");
    if (!strcmp(p->variant, "8") || !strcmp(p->variant, "v8"))
      p->variant[0] = '\0';
    else if (isdigit((unsigned char)p->variant[0]))
      normalize_arm_variant(p);
  } else if (!strcmp(a, "armhf")) {
    set(a, "arm");
    set(p->variant, "v7");
  } else if (!strcmp(a, "armel")) {
    set(a, "arm");
    set(p->variant, "v6");
  } else if (!strcmp(a, "arm")) {
    normalize_arm_variant(p);
  } else if (!strcmp(a, "i386") || !strcmp(a, "i686") || !strcmp(a, "x86")) {
    set(a, "386");
  }
}

int am_platform_from_fields(am_platform *out, const char *os, const char *arch,
                            const char *variant, const char *os_version,
                            am_err *err) {
  memset(out, 0, sizeof(*out));
  if (arch == NULL || *arch == '\0')
    return am_err_set(err, AM_EINVALID, "platform without an architecture");
  if (copy_field(out->os, os ? os : "", os ? strlen(os) : 0, true) ||
      copy_field(out->arch, arch, strlen(arch), true) ||
      copy_field(out->variant, variant ? variant : "",
                 variant ? strlen(variant) : 0, true) ||
      copy_field(out->os_version, os_version ? os_version : "",
                 os_version ? strlen(os_version) : 0, false))
    return am_err_set(err, AM_EINVALID, "invalid platform field in %s/%s",
                      os ? os : "", arch);
  am_platform_normalize(out);
  return AM_OK;
}

int am_platform_parse(am_platform *out, const char *s, am_err *err) {
  const char *parts[3] = {NULL, NULL, NULL};
  size_t lens[3] = {0, 0, 0};
  size_t count = 0;
  const char *p = s;

  memset(out, 0, sizeof(*out));
  for (;;) {
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);

    if (count == 3 || n == 0)
      return am_err_set(err, AM_EINVALID, "invalid platform '%s'", s);
    parts[count] = p;
    lens[count++] = n;
    if (slash == NULL)
      break;
    p = slash + 1;
  }
  if (count < 2 || copy_field(out->os, parts[0], lens[0], true) ||
      copy_field(out->arch, parts[1], lens[1], true))
    return am_err_set(err, AM_EINVALID, "invalid platform '%s'", s);
  if (count == 3) {
    bool windows = strcmp(out->os, "windows") == 0;
    char *third = windows ? out->os_version : out->variant;

    if (copy_field(third, parts[2], lens[2], !windows))
      return am_err_set(err, AM_EINVALID, "invalid platform '%s'", s);
  }
  am_platform_normalize(out);
  return AM_OK;
}

void am_platform_format(const am_platform *p, bool with_os_version, char *out,
                        size_t size) {
  const char *third = p->variant;

  if (with_os_version && p->os_version[0] != '\0' &&
      strcmp(p->os, "windows") == 0)
    third = p->os_version;
  if (third[0] != '\0')
    snprintf(out, size, "%s/%s/%s", p->os, p->arch, third);
  else
    snprintf(out, size, "%s/%s", p->os, p->arch);
}

int am_platform_normalize_string(const char *in, char *out, size_t size,
                                 am_err *err) {
  am_platform p;
  int rc = am_platform_parse(&p, in, err);

  if (rc != AM_OK)
    return rc;
  am_platform_format(&p, true, out, size);
  return AM_OK;
}

bool am_platform_same_arch(const am_platform *a, const am_platform *b) {
  return strcmp(a->os, b->os) == 0 && strcmp(a->arch, b->arch) == 0 &&
         strcmp(a->variant, b->variant) == 0;
}

/* Windows release names and the build each one is. */
static const struct {
  const char *name;
  const char *build;
} windows_releases[] = {
    {"1809", "10.0.17763"},     {"ltsc2019", "10.0.17763"},
    {"1903", "10.0.18362"},     {"1909", "10.0.18363"},
    {"2004", "10.0.19041"},     {"20h2", "10.0.19042"},
    {"ltsc2022", "10.0.20348"}, {"ltsc2025", "10.0.26100"},
    {"ltsc2016", "10.0.14393"}, {"1607", "10.0.14393"},
};

const char *am_windows_build_prefix(const char *name) {
  if (name == NULL || *name == '\0')
    return NULL;
  for (size_t i = 0; i < sizeof(windows_releases) / sizeof(*windows_releases);
       i++) {
    if (strcasecmp(name, windows_releases[i].name) == 0)
      return windows_releases[i].build;
  }
  if (strncmp(name, "10.0.", 5) == 0)
    return name;
  return NULL;
}
