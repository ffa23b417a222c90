/* SPDX-License-Identifier: MIT */
/* One curl multi handle driving every HTTP exchange. */
#include "registry/transport.h"

#include "util/log.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_PER_HOST 8
#define DEFAULT_OVERALL 32
#define DEFAULT_TIMEOUT 30L
#define DEFAULT_CONNECT_TIMEOUT 10L
/* Header lines longer than this are ignored: no header we read needs more,
 * and an unbounded line is a way to exhaust memory. */
#define HEADER_VALUE_MAX 8192
#define MAX_CHALLENGES 16

typedef struct host_count {
  char host[256];
  int running;
} host_count;

struct am_transport {
  CURLM *multi;
  am_transport_opts opts;
  am_xfer *queue;
  am_xfer *queue_tail;
  am_xfer *active; /* running, doubly linked */
  int running;
  host_count *hosts;
  size_t nhosts;
};

double am_transport_now(void) {
  struct timespec ts = {0, 0};

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int am_transport_new(am_transport **out, const am_transport_opts *opts,
                     am_err *err) {
  static bool curl_ready;
  am_transport *t = NULL;

  *out = NULL;
  if (!curl_ready) {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      return am_err_set(err, AM_ERROR, "cannot initialise libcurl");
    curl_ready = true;
  }
  t = calloc(1, sizeof(*t));
  if (t == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  if (opts)
    t->opts = *opts;
  if (t->opts.per_host <= 0)
    t->opts.per_host = DEFAULT_PER_HOST;
  if (t->opts.overall <= 0)
    t->opts.overall = DEFAULT_OVERALL;
  if (t->opts.timeout <= 0)
    t->opts.timeout = DEFAULT_TIMEOUT;
  if (t->opts.connect_timeout <= 0)
    t->opts.connect_timeout = t->opts.timeout < DEFAULT_CONNECT_TIMEOUT
                                  ? t->opts.timeout
                                  : DEFAULT_CONNECT_TIMEOUT;
  t->multi = curl_multi_init();
  if (t->multi == NULL) {
    free(t);
    return am_err_set(err, AM_ERROR, "cannot create a curl multi handle");
  }
  /* Several requests to one registry share one HTTP/2 connection when the
   * server offers it; the per-host limit also bounds connections. */
  curl_multi_setopt(t->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
  curl_multi_setopt(t->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                    (long)t->opts.per_host);
  *out = t;
  return AM_OK;
}

static host_count *find_host(am_transport *t, const char *host, bool add) {
  host_count *grown = NULL;

  for (size_t i = 0; i < t->nhosts; i++) {
    if (strcmp(t->hosts[i].host, host) == 0)
      return &t->hosts[i];
  }
  if (!add)
    return NULL;
  grown = realloc(t->hosts, (t->nhosts + 1) * sizeof(*grown));
  if (grown == NULL)
    return NULL;
  t->hosts = grown;
  memset(&grown[t->nhosts], 0, sizeof(*grown));
  snprintf(grown[t->nhosts].host, sizeof(grown->host), "%s", host);
  return &t->hosts[t->nhosts++];
}

/* Forget the response headers kept so far. */
static void forget_headers(am_xfer *x) {
  free(x->content_type);
  free(x->content_digest);
  free(x->location);
  free(x->retry_after);
  free(x->ratelimit_remaining);
  am_strv_free(&x->www_authenticate);
  x->content_type = x->content_digest = x->location = NULL;
  x->retry_after = x->ratelimit_remaining = NULL;
}

void am_xfer_clear(am_xfer *x) {
  am_buf_free(&x->body);
  forget_headers(x);
  x->status = 0;
  x->curl_code = 0;
  x->curl_error[0] = '\0';
  x->too_big = false;
}

/* The host:port part of the URL, which the per-host limit counts. */
static void url_host(const char *url, char *out, size_t size) {
  const char *start = strstr(url, "://");
  size_t n = 0;

  start = start ? start + 3 : url;
  n = strcspn(start, "/?#");
  if (n >= size)
    n = size - 1;
  memcpy(out, start, n);
  out[n] = '\0';
}

void am_transport_submit(am_transport *t, am_xfer *x) {
  am_xfer_clear(x);
  am_buf_init(&x->body, x->max_body);
  url_host(x->url, x->host, sizeof(x->host));
  x->next = NULL;
  if (t->queue_tail)
    t->queue_tail->next = x;
  else
    t->queue = x;
  t->queue_tail = x;
}

static size_t on_body(char *data, size_t size, size_t n, void *ud) {
  am_xfer *x = ud;

  if (am_buf_append(&x->body, data, size * n) != AM_OK) {
    x->too_big = true;
    return 0; /* makes curl stop with CURLE_WRITE_ERROR */
  }
  return size * n;
}

/* Set `*slot` to a copy of the value, trimmed. */
static void keep_value(char **slot, const char *value, size_t n) {
  free(*slot);
  *slot = malloc(n + 1);
  if (*slot == NULL)
    return;
  memcpy(*slot, value, n);
  (*slot)[n] = '\0';
}

static size_t on_header(char *data, size_t size, size_t n, void *ud) {
  am_xfer *x = ud;
  size_t len = size * n;
  const char *colon = memchr(data, ':', len);
  const char *value = NULL;
  size_t name_len = 0;
  size_t value_len = 0;

  /* A new status line starts a new response (after 100 Continue): forget
   * the headers of the one before. */
  if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
    forget_headers(x);
    return len;
  }
  if (colon == NULL || len > HEADER_VALUE_MAX)
    return len;
  name_len = (size_t)(colon - data);
  value = colon + 1;
  value_len = len - name_len - 1;
  while (value_len > 0 && (*value == ' ' || *value == '\t')) {
    value++;
    value_len--;
  }
  while (value_len > 0 &&
         (value[value_len - 1] == '\r' || value[value_len - 1] == '\n' ||
          value[value_len - 1] == ' '))
    value_len--;

#define IS(name)                                                               \
  (name_len == strlen(name) && !strncasecmp(data, name, name_len))
  if (IS("content-type"))
    keep_value(&x->content_type, value, value_len);
  else if (IS("docker-content-digest"))
    keep_value(&x->content_digest, value, value_len);
  else if (IS("location"))
    keep_value(&x->location, value, value_len);
  else if (IS("retry-after"))
    keep_value(&x->retry_after, value, value_len);
  else if (IS("ratelimit-remaining"))
    keep_value(&x->ratelimit_remaining, value, value_len);
  else if (IS("www-authenticate") && x->www_authenticate.len < MAX_CHALLENGES) {
    char *copy = NULL;

    keep_value(&copy, value, value_len);
    if (copy)
      am_strv_push_owned(&x->www_authenticate, copy);
  }
#undef IS
  return len;
}

/* Log one protocol line at trace level, hiding credentials. */
static void trace_line(char dir, const char *line, size_t n) {
  static const char *const secret_headers[] = {
      "authorization:", "proxy-authorization:", "cookie:", "set-cookie:"};

  while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n'))
    n--;
  if (n == 0)
    return;
  for (size_t i = 0; i < sizeof(secret_headers) / sizeof(*secret_headers);
       i++) {
    size_t k = strlen(secret_headers[i]);

    if (n >= k && strncasecmp(line, secret_headers[i], k) == 0) {
      am_log(AM_LOG_TRACE, "curl %c %.*s [redacted]", dir, (int)k - 1, line);
      return;
    }
  }
  am_log(AM_LOG_TRACE, "curl %c %.*s", dir, (int)(n > 1000 ? 1000 : n), line);
}

/* Route curl's own trace into the logger; bodies are never logged, and
 * header lines carrying credentials are redacted. */
static int on_debug(CURL *easy, curl_infotype type, char *data, size_t n,
                    void *ud) {
  char dir = type == CURLINFO_HEADER_OUT  ? '>'
             : type == CURLINFO_HEADER_IN ? '<'
                                          : '*';
  size_t start = 0;

  (void)easy;
  (void)ud;
  if (type != CURLINFO_TEXT && type != CURLINFO_HEADER_IN &&
      type != CURLINFO_HEADER_OUT)
    return 0;
  for (size_t i = 0; i <= n; i++) {
    if (i == n || data[i] == '\n') {
      trace_line(dir, data + start, i - start);
      start = i + 1;
    }
  }
  return 0;
}

/* True when `value` may go into a header line: no CR, LF or other
 * control character that would end the line and start one of its own. */
static bool header_value_safe(const char *value) {
  for (const char *p = value; *p; p++) {
    if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
      return false;
  }
  return true;
}

/* Append "name: value" to `*headers`; the copy made here is scrubbed
 * (curl keeps its own). Returns 0 or AM_ENOMEM. */
static int add_header(struct curl_slist **headers, const char *name,
                      const char *value) {
  char *line = am_asprintf("%s: %s", name, value);
  struct curl_slist *grown = NULL;

  if (line == NULL)
    return AM_ENOMEM;
  grown = curl_slist_append(*headers, line);
  memset(line, 0, strlen(line));
  free(line);
  if (grown == NULL)
    return AM_ENOMEM;
  *headers = grown;
  return AM_OK;
}

/* Start `x`. Returns 0, AM_ENOMEM, or AM_EINVALID when a header value
 * holds a control character (it comes from a server's answer, a token
 * say, and could add headers of that server's choosing). */
static int start_xfer(am_transport *t, am_xfer *x) {
  CURL *easy = NULL;
  struct curl_slist *headers = NULL;
  host_count *hc = NULL;
  int rc = AM_ENOMEM;

  if ((x->accept && !header_value_safe(x->accept)) ||
      (x->authorization && !header_value_safe(x->authorization)))
    return AM_EINVALID;
  easy = curl_easy_init();
  hc = find_host(t, x->host, true);
  if (easy == NULL || hc == NULL)
    goto fail;
  if (x->accept && add_header(&headers, "Accept", x->accept) != AM_OK)
    goto fail;
  if (x->authorization &&
      add_header(&headers, "Authorization", x->authorization) != AM_OK)
    goto fail;
  curl_easy_setopt(easy, CURLOPT_URL, x->url);
  curl_easy_setopt(easy, CURLOPT_PRIVATE, x);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  /* Redirects come back to the caller, which decides where Authorization
   * may go; curl must neither follow nor speak anything but http(s). */
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, t->opts.connect_timeout);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT, t->opts.timeout);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "archmatrix/" AM_VERSION);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, x);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, x);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, x->curl_error);
  curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  if (x->max_body > 0)
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max_body);
  if (t->opts.ca_file)
    curl_easy_setopt(easy, CURLOPT_CAINFO, t->opts.ca_file);
  if (x->method == AM_HTTP_HEAD)
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  else if (x->method == AM_HTTP_POST)
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS,
                     x->post_fields ? x->post_fields : "");
  if (am_log_enabled(AM_LOG_TRACE)) {
    curl_easy_setopt(easy, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(easy, CURLOPT_DEBUGFUNCTION, on_debug);
  }
  if (curl_multi_add_handle(t->multi, easy) != CURLM_OK)
    goto fail;
  x->easy = easy;
  x->header_list = headers;
  x->prev = NULL;
  x->next = t->active;
  if (t->active)
    t->active->prev = x;
  t->active = x;
  hc->running++;
  t->running++;
  return AM_OK;

fail:
  curl_slist_free_all(headers);
  if (easy)
    curl_easy_cleanup(easy);
  return rc;
}

/* Start queued exchanges whose time has come, within the limits. Returns
 * the earliest time a still-waiting exchange may start, or 0. */
static double start_ready(am_transport *t) {
  am_xfer **link = &t->queue;
  am_xfer *prev = NULL;
  double now = am_transport_now();
  double next = 0;
  int rc = AM_OK;

  while (*link) {
    am_xfer *x = *link;
    host_count *hc = find_host(t, x->host, false);
    bool host_full = hc && hc->running >= t->opts.per_host;

    if (x->not_before > now || host_full || t->running >= t->opts.overall) {
      if (x->not_before > now && (next == 0 || x->not_before < next))
        next = x->not_before;
      prev = x;
      link = &x->next;
      continue;
    }
    *link = x->next;
    if (t->queue_tail == x)
      t->queue_tail = prev;
    x->next = NULL;
    rc = start_xfer(t, x);
    if (rc != AM_OK) {
      x->curl_code =
          rc == AM_EINVALID ? CURLE_BAD_FUNCTION_ARGUMENT : CURLE_OUT_OF_MEMORY;
      snprintf(x->curl_error, sizeof(x->curl_error), "%s",
               rc == AM_EINVALID ? "refused to send a header value holding "
                                   "a control character"
                                 : "out of memory");
      x->done(x, x->ud);
    }
  }
  return next;
}

static void finish_xfer(am_transport *t, CURL *easy, CURLcode result) {
  am_xfer *x = NULL;
  host_count *hc = NULL;
  long status = 0;

  curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  curl_multi_remove_handle(t->multi, easy);
  curl_easy_cleanup(easy);
  curl_slist_free_all(x->header_list);
  x->easy = NULL;
  x->header_list = NULL;
  if (x->prev)
    x->prev->next = x->next;
  else
    t->active = x->next;
  if (x->next)
    x->next->prev = x->prev;
  x->next = x->prev = NULL;
  hc = find_host(t, x->host, false);
  if (hc)
    hc->running--;
  t->running--;
  x->status = status;
  x->curl_code = (int)result;
  if (result == CURLE_FILESIZE_EXCEEDED)
    x->too_big = true;
  if (result != CURLE_OK && x->curl_error[0] == '\0')
    snprintf(x->curl_error, sizeof(x->curl_error), "%s",
             curl_easy_strerror(result));
  x->done(x, x->ud);
}

int am_transport_run(am_transport *t, am_err *err) {
  for (;;) {
    double next = start_ready(t);
    int still = 0;
    int left = 0;
    int wait_ms = 1000;
    CURLMsg *msg = NULL;

    if (t->running == 0 && t->queue == NULL)
      return AM_OK;
    if (curl_multi_perform(t->multi, &still) != CURLM_OK)
      return am_err_set(err, AM_ERROR, "curl multi handle failed");
    while ((msg = curl_multi_info_read(t->multi, &left)) != NULL) {
      if (msg->msg == CURLMSG_DONE)
        finish_xfer(t, msg->easy_handle, msg->data.result);
    }

    /* Callbacks may have queued more; start them before sleeping. Curl
     * caps the poll at its own timeout, so new handles start promptly. */
    next = start_ready(t);
    if (t->running == 0 && t->queue == NULL)
      return AM_OK;
    if (next > 0) {
      double ms = (next - am_transport_now()) * 1000 + 1;

      if (ms < wait_ms)
        wait_ms = ms < 0 ? 0 : (int)ms;
    }
    if (curl_multi_poll(t->multi, NULL, 0, wait_ms, NULL) != CURLM_OK)
      return am_err_set(err, AM_ERROR, "curl multi poll failed");
  }
}

void am_transport_free(am_transport *t) {
  if (t == NULL)
    return;
  while (t->active) {
    am_xfer *x = t->active;

    t->active = x->next;
    curl_multi_remove_handle(t->multi, x->easy);
    curl_easy_cleanup(x->easy);
    curl_slist_free_all(x->header_list);
    x->easy = x->header_list = NULL;
    x->next = x->prev = NULL;
  }
  curl_multi_cleanup(t->multi);
  free(t->hosts);
  free(t);
}

long am_transport_parse_retry_after(const char *value, time_t now) {
  const char *p = value;
  long seconds = 0;
  time_t when = 0;

  if (value == NULL)
    return -1;
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p >= '0' && *p <= '9') {
    /* Saturate: a wait too long for any integer is still a long wait,
     * not an absent one. */
    for (; *p >= '0' && *p <= '9'; p++) {
      if (seconds <= (AM_RETRY_AFTER_MAX - 9) / 10)
        seconds = seconds * 10 + (*p - '0');
      else
        seconds = AM_RETRY_AFTER_MAX;
    }
    while (*p == ' ' || *p == '\t')
      p++;
    return *p == '\0' ? seconds : -1;
  }
  when = curl_getdate(p, NULL);
  if (when == (time_t)-1)
    return -1;
  if (when <= now)
    return 0;
  return when - now > AM_RETRY_AFTER_MAX ? AM_RETRY_AFTER_MAX
                                         : (long)(when - now);
}

double am_transport_backoff(int attempt, double base, double cap,
                            unsigned *seed) {
  double delay = base;
  double jitter = 0;

  for (int i = 1; i < attempt && delay < cap; i++)
    delay *= 2;
  /* xorshift: enough to spread clients apart, no global state touched. */
  *seed ^= *seed << 13;
  *seed ^= *seed >> 17;
  *seed ^= *seed << 5;
  jitter = delay * 0.5 * ((double)(*seed % 1000) / 1000.0);
  delay += jitter;
  return delay > cap ? cap : delay;
}
