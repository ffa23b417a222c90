/* SPDX-License-Identifier: MIT */
/* Where requests for a registry go. */
#include "registry/endpoint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Docker Hub is named docker.io in references but served elsewhere. */
#define DOCKER_HUB "docker.io"
#define DOCKER_HUB_API "registry-1.docker.io"

/* Copy `host` without its ":port" (an IPv6 literal keeps its brackets). */
static void strip_port(const char *host, char *out, size_t size) {
  const char *end = NULL;
  size_t n = 0;

  if (host[0] == '[') {
    end = strchr(host, ']');
    end = end ? end + 1 : host + strlen(host);
  } else {
    end = strchr(host, ':');
    if (end == NULL)
      end = host + strlen(host);
  }
  n = (size_t)(end - host);
  if (n >= size)
    n = size - 1;
  memcpy(out, host, n);
  out[n] = '\0';
}

bool am_endpoint_is_loopback(const char *host) {
  char name[256];
  int octets[4] = {0, 0, 0, 0};
  char tail = 0;

  strip_port(host, name, sizeof(name));
  if (strcasecmp(name, "localhost") == 0 || strcmp(name, "[::1]") == 0)
    return true;
  if (sscanf(name, "%d.%d.%d.%d%c", &octets[0], &octets[1], &octets[2],
             &octets[3], &tail) != 4)
    return false;
  for (int i = 0; i < 4; i++) {
    if (octets[i] < 0 || octets[i] > 255)
      return false;
  }
  return octets[0] == 127;
}

/* Registry names that mean Docker Hub. */
static bool is_docker_hub(const char *host) {
  return strcasecmp(host, DOCKER_HUB) == 0 ||
         strcasecmp(host, "index.docker.io") == 0 ||
         strcasecmp(host, DOCKER_HUB_API) == 0;
}

static bool same_registry(const char *a, const char *b) {
  if (is_docker_hub(a) && is_docker_hub(b))
    return true;
  return strcasecmp(a, b) == 0;
}

/* An insecure entry names a host:port exactly, or a host on any port. */
static bool is_insecure(const char *domain, const am_registry_opts *opts) {
  char bare[256];

  strip_port(domain, bare, sizeof(bare));
  for (size_t i = 0; opts && i < opts->ninsecure; i++) {
    const char *h = opts->insecure[i];

    if (h && (strcasecmp(h, domain) == 0 || strcasecmp(h, bare) == 0))
      return true;
  }
  return am_endpoint_is_loopback(domain);
}

static int use_mirror(am_endpoint *out, const char *url, const char *host,
                      const am_registry_opts *opts, am_err *err) {
  char authority[256];
  size_t n = strlen(url);

  if (strncasecmp(url, "http://", 7) != 0 &&
      strncasecmp(url, "https://", 8) != 0)
    return am_err_set(err, AM_EUSAGE, "mirror for %s: not an http(s) URL",
                      host);
  if (am_endpoint_authority(url, authority, sizeof(authority)) != AM_OK)
    return am_err_set(err, AM_EUSAGE, "mirror for %s: no host in URL", host);
  /* A password in a URL ends up in logs and process listings; credentials
   * belong in the docker config, keyed by the mirror's host. */
  if (strchr(authority, '@') != NULL)
    return am_err_set(err, AM_EUSAGE,
                      "mirror for %s: credentials in the URL are refused; "
                      "put them in the docker config",
                      host);
  /* Plain HTTP only where the user allowed it, as for a registry itself:
   * a mirror must not be a way round --insecure-registry. */
  if (strncasecmp(url, "http://", 7) == 0 && !is_insecure(authority, opts))
    return am_err_set(err, AM_EUSAGE,
                      "mirror for %s: %s is plain HTTP; use https, or allow "
                      "it with --insecure-registry %s",
                      host, url, authority);
  while (n > 0 && url[n - 1] == '/')
    n--;
  if (n >= sizeof(out->base))
    return am_err_set(err, AM_EUSAGE, "mirror for %s: URL too long", host);
  memcpy(out->base, url, n);
  out->base[n] = '\0';
  out->mirrored = true;
  return AM_OK;
}

int am_endpoint_for(am_endpoint *out, const char *domain,
                    const am_registry_opts *opts, am_err *err) {
  const char *host = domain;

  memset(out, 0, sizeof(*out));
  for (size_t i = 0; opts && i < opts->nmirrors; i++) {
    const am_mirror *m = &opts->mirrors[i];

    if (m->host && m->url && same_registry(m->host, domain))
      return use_mirror(out, m->url, domain, opts, err);
  }
  if (is_docker_hub(domain))
    host = DOCKER_HUB_API;
  if ((size_t)snprintf(out->base, sizeof(out->base), "%s://%s",
                       is_insecure(domain, opts) ? "http" : "https",
                       host) >= sizeof(out->base))
    return am_err_set(err, AM_EINVALID, "registry name too long");
  return AM_OK;
}

int am_endpoint_authority(const char *url, char *out, size_t size) {
  const char *start = strstr(url, "://");
  size_t n = 0;

  if (start == NULL)
    return AM_EINVALID;
  start += 3;
  n = strcspn(start, "/?#");
  if (n == 0 || n >= size)
    return AM_EINVALID;
  for (size_t i = 0; i < n; i++)
    out[i] = (char)tolower((unsigned char)start[i]);
  out[n] = '\0';
  return AM_OK;
}

int am_registry_check_opts(const am_registry_opts *opts, am_err *err) {
  for (size_t i = 0; opts && i < opts->nmirrors; i++) {
    const am_mirror *m = &opts->mirrors[i];
    am_endpoint ep;
    int rc = 0;

    if (m->host == NULL || m->url == NULL)
      continue;
    if ((rc = use_mirror(&ep, m->url, m->host, opts, err)) != AM_OK)
      return rc;
  }
  return AM_OK;
}
