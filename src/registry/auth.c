/* SPDX-License-Identifier: MIT */
/* WWW-Authenticate challenges and token server answers. */
#include "registry/auth.h"

#include "util/buf.h"
#include "util/strv.h"

#include <ctype.h>
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* tchar of RFC 9110: the characters a token is made of. */
static bool is_tchar(char c) {
  return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* token68 adds '/' and allows trailing '='. */
static bool is_token68_char(char c) {
  return isalnum((unsigned char)c) || (c && strchr("-._~+/", c));
}

static const char *skip_ows(const char *p) {
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* Skip whitespace and empty list elements (",  ,"), as the list rule
 * allows. */
static const char *skip_list_sep(const char *p) {
  while (*p == ' ' || *p == '\t' || *p == ',')
    p++;
  return p;
}

static char *lower_copy(const char *s, size_t n) {
  char *out = am_strndup(s, n);

  for (size_t i = 0; out && i < n; i++)
    out[i] = (char)tolower((unsigned char)out[i]);
  return out;
}

/* Read a quoted string at `*pp` (on the opening quote) into a new string. */
static int read_quoted(const char **pp, char **out, am_err *err) {
  const char *p = *pp + 1;
  am_buf buf;
  int rc = AM_OK;

  am_buf_init(&buf, AM_AUTH_HEADER_MAX);
  for (;;) {
    char c = *p;

    if (c == '\0') {
      rc = am_err_set(err, AM_EINVALID, "unterminated quoted string");
      goto done;
    }
    if (c == '"')
      break;
    if (c == '\\') {
      p++;
      if (*p == '\0') {
        rc = am_err_set(err, AM_EINVALID, "dangling escape in quoted string");
        goto done;
      }
      c = *p;
    }
    rc = am_buf_append(&buf, &c, 1);
    if (rc != AM_OK) {
      rc = am_err_set(err, rc, "quoted string too long");
      goto done;
    }
    p++;
  }
  *out = am_buf_detach(&buf);
  if (*out == NULL)
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
  *pp = p + 1;

done:
  am_buf_free(&buf);
  return rc;
}

static int add_param(am_challenge *c, char *name, char *value, am_err *err) {
  am_auth_param *grown = NULL;

  if (c->nparams >= AM_AUTH_MAX_PARAMS) {
    free(name);
    free(value);
    return am_err_set(err, AM_EINVALID, "too many challenge parameters");
  }
  grown = realloc(c->params, (c->nparams + 1) * sizeof(*grown));
  if (grown == NULL) {
    free(name);
    free(value);
    return am_err_set(err, AM_ENOMEM, "out of memory");
  }
  c->params = grown;
  c->params[c->nparams].name = name;
  c->params[c->nparams].value = value;
  c->nparams++;
  return AM_OK;
}

/*
 * Try to read a token68 at `p`: its characters, then '='s, then the end of
 * the challenge (end of input or a comma). Returns its length, or 0 when
 * what follows is an auth-param instead.
 */
static size_t token68_length(const char *p) {
  const char *q = p;

  while (is_token68_char(*q))
    q++;
  if (q == p)
    return 0;
  while (*q == '=')
    q++;
  if (*skip_ows(q) != '\0' && *skip_ows(q) != ',')
    return 0;
  /* "name=" with no value is not a valid param; "abc" alone is a token68
   * only if it is not the scheme of the next challenge, which cannot be
   * told apart; RFC 9110 treats it as token68. */
  return (size_t)(q - p);
}

/* Parse the parameters of challenge `c`, starting after its scheme. Stops
 * at the start of the next challenge. */
static int parse_params(const char **pp, am_challenge *c, am_err *err) {
  const char *p = *pp;
  size_t t68 = 0;
  int rc = AM_OK;

  if (*p != ' ' && *p != '\t') {
    *pp = p;
    return AM_OK; /* scheme alone, then ',' or end */
  }
  p = skip_ows(p);
  t68 = token68_length(p);
  if (t68 > 0) {
    c->token68 = am_strndup(p, t68);
    if (c->token68 == NULL)
      return am_err_set(err, AM_ENOMEM, "out of memory");
    *pp = skip_ows(p + t68);
    return AM_OK;
  }
  for (;;) {
    const char *name = NULL;
    const char *q = NULL;
    size_t name_len = 0;
    char *value = NULL;

    p = skip_list_sep(p);
    name = p;
    while (is_tchar(*p))
      p++;
    name_len = (size_t)(p - name);
    q = skip_ows(p);
    if (name_len == 0 || *q != '=') {
      /* Not "name=": either the end, or the next challenge's scheme. */
      *pp = name;
      return AM_OK;
    }
    p = skip_ows(q + 1);
    if (*p == '"') {
      rc = read_quoted(&p, &value, err);
      if (rc != AM_OK)
        return rc;
    } else {
      const char *v = p;

      while (is_tchar(*p))
        p++;
      if (p == v)
        return am_err_set(err, AM_EINVALID, "parameter %.*s has no value",
                          (int)(name_len > 64 ? 64 : name_len), name);
      value = am_strndup(v, (size_t)(p - v));
      if (value == NULL)
        return am_err_set(err, AM_ENOMEM, "out of memory");
    }
    rc = add_param(c, lower_copy(name, name_len), value, err);
    if (rc != AM_OK)
      return rc;
    p = skip_ows(p);
    if (*p != ',' && *p != '\0')
      return am_err_set(err, AM_EINVALID,
                        "unexpected character after parameter");
  }
}

int am_auth_parse_challenges(am_challenges *out, const char *header,
                             am_err *err) {
  const char *p = header;
  int rc = AM_OK;

  if (strlen(header) > AM_AUTH_HEADER_MAX)
    return am_err_set(err, AM_ETOOBIG, "challenge header too long");
  for (;;) {
    const char *scheme = NULL;
    am_challenge *grown = NULL;
    am_challenge *c = NULL;

    p = skip_list_sep(p);
    if (*p == '\0')
      return AM_OK;
    scheme = p;
    while (is_tchar(*p))
      p++;
    if (p == scheme)
      return am_err_set(err, AM_EINVALID, "challenge without a scheme");
    if (out->len >= AM_AUTH_MAX_CHALLENGES)
      return am_err_set(err, AM_EINVALID, "too many challenges");
    grown = realloc(out->v, (out->len + 1) * sizeof(*grown));
    if (grown == NULL)
      return am_err_set(err, AM_ENOMEM, "out of memory");
    out->v = grown;
    c = &out->v[out->len++];
    memset(c, 0, sizeof(*c));
    c->scheme = lower_copy(scheme, (size_t)(p - scheme));
    if (c->scheme == NULL)
      return am_err_set(err, AM_ENOMEM, "out of memory");
    rc = parse_params(&p, c, err);
    if (rc != AM_OK)
      return rc;
  }
}

const am_challenge *am_auth_find(const am_challenges *list,
                                 const char *scheme) {
  for (size_t i = 0; list && i < list->len; i++) {
    if (strcasecmp(list->v[i].scheme, scheme) == 0)
      return &list->v[i];
  }
  return NULL;
}

const char *am_auth_param_get(const am_challenge *c, const char *name) {
  for (size_t i = 0; c && i < c->nparams; i++) {
    if (strcasecmp(c->params[i].name, name) == 0)
      return c->params[i].value;
  }
  return NULL;
}

void am_challenges_free(am_challenges *list) {
  if (list == NULL)
    return;
  for (size_t i = 0; i < list->len; i++) {
    am_challenge *c = &list->v[i];

    for (size_t j = 0; j < c->nparams; j++) {
      free(c->params[j].name);
      free(c->params[j].value);
    }
    free(c->params);
    free(c->scheme);
    free(c->token68);
  }
  free(list->v);
  list->v = NULL;
  list->len = 0;
}

/* b64token of RFC 6750, in ASCII whatever the locale says. */
static bool is_b64token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == '~' || c == '+' || c == '/';
}

bool am_auth_token_valid(const char *s, size_t len) {
  size_t i = 0;

  if (s == NULL || len == 0 || len > AM_TOKEN_MAX)
    return false;
  while (i < len && is_b64token_char(s[i]))
    i++;
  if (i == 0)
    return false;
  while (i < len && s[i] == '=')
    i++;
  return i == len;
}

int am_auth_parse_token_response(char **token, long *expires_in,
                                 const char *body, size_t len, am_err *err) {
  json_error_t jerr;
  json_t *root = json_loadb(body, len, 0, &jerr);
  json_t *tok = NULL;
  json_t *exp = NULL;
  int rc = AM_OK;

  *token = NULL;
  *expires_in = AM_TOKEN_DEFAULT_TTL;
  if (!json_is_object(root)) {
    rc = am_err_set(err, AM_EINVALID, "token answer is not a JSON object");
    goto done;
  }
  /* Docker's servers send "token", OAuth2 ones "access_token"; both mean
   * the same. */
  tok = json_object_get(root, "token");
  if (!json_is_string(tok) || json_string_length(tok) == 0)
    tok = json_object_get(root, "access_token");
  if (!json_is_string(tok) || json_string_length(tok) == 0) {
    rc = am_err_set(err, AM_EINVALID, "token answer holds no token");
    goto done;
  }
  /* The token becomes a header line: one with CR LF in it would add
   * headers of the server's choosing. Its text is not quoted. */
  if (!am_auth_token_valid(json_string_value(tok), json_string_length(tok))) {
    rc = am_err_set(err, AM_EINVALID,
                    "token answer holds a malformed token (not RFC 6750 "
                    "characters, or over %d bytes)",
                    AM_TOKEN_MAX);
    goto done;
  }
  *token = am_strdup(json_string_value(tok));
  if (*token == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  exp = json_object_get(root, "expires_in");
  if (json_is_integer(exp) && json_integer_value(exp) > 0)
    *expires_in = (long)json_integer_value(exp);

done:
  json_decref(root);
  return rc;
}

int am_auth_add_field(am_buf *b, const char *name, const char *value,
                      size_t n) {
  char *esc = curl_easy_escape(NULL, value, (int)n);
  int rc = AM_OK;

  if (esc == NULL)
    return AM_ENOMEM;
  rc = am_buf_printf(b, "%s%s=%s", b->len ? "&" : "", name, esc);
  curl_free(esc);
  return rc;
}

int am_auth_token_fields(am_buf *form, const char *service, const char *scope) {
  const char *p = scope ? scope : "";
  bool any = false;

  if (service &&
      am_auth_add_field(form, "service", service, strlen(service)) != AM_OK)
    return AM_ENOMEM;
  while (*p) {
    size_t n = strcspn(p, " ");

    if (n > 0) {
      if (am_auth_add_field(form, "scope", p, n) != AM_OK)
        return AM_ENOMEM;
      any = true;
    }
    p += n;
    while (*p == ' ')
      p++;
  }
  /* No scope at all still asks with an empty one, as before: some realms
   * want the field. */
  if (!any && am_auth_add_field(form, "scope", "", 0) != AM_OK)
    return AM_ENOMEM;
  return AM_OK;
}

char *am_auth_basic_value(const char *user, const char *secret) {
  size_t ulen = strlen(user);
  size_t slen = strlen(secret);
  size_t raw_len = ulen + 1 + slen;
  unsigned char *raw = malloc(raw_len + 1);
  char *out = NULL;

  if (raw == NULL)
    return NULL;
  memcpy(raw, user, ulen);
  raw[ulen] = ':';
  memcpy(raw + ulen + 1, secret, slen);
  out = malloc(4 * ((raw_len + 2) / 3) + 1);
  if (out)
    EVP_EncodeBlock((unsigned char *)out, raw, (int)raw_len);
  OPENSSL_cleanse(raw, raw_len);
  free(raw);
  return out;
}

int am_auth_secret_forms(am_strv *out, const char *user, const char *secret) {
  char *pair = NULL;
  char *basic = NULL;
  int rc = AM_OK;

  if (secret == NULL || secret[0] == '\0')
    return AM_OK;
  if (am_strv_push_unique(out, secret) != AM_OK)
    return AM_ENOMEM;
  if (user == NULL)
    return AM_OK;
  pair = am_asprintf("%s:%s", user, secret);
  basic = am_auth_basic_value(user, secret);
  if (pair == NULL || basic == NULL ||
      am_strv_push_unique(out, pair) != AM_OK ||
      am_strv_push_unique(out, basic) != AM_OK)
    rc = AM_ENOMEM;
  if (pair)
    OPENSSL_cleanse(pair, strlen(pair));
  if (basic)
    OPENSSL_cleanse(basic, strlen(basic));
  free(pair);
  free(basic);
  return rc;
}

char *am_auth_redact(const char *text, const char *const *secrets, size_t n) {
  am_buf out;
  const char *p = text;
  char *result = NULL;

  am_buf_init(&out, 0);
  while (*p) {
    size_t longest = 0;

    for (size_t i = 0; i < n; i++) {
      size_t len = secrets[i] ? strlen(secrets[i]) : 0;

      if (len > longest && strncmp(p, secrets[i], len) == 0)
        longest = len;
    }
    if (longest > 0) {
      if (am_buf_append(&out, "[redacted]", 10) != AM_OK)
        goto done;
      p += longest;
    } else {
      if (am_buf_append(&out, p, 1) != AM_OK)
        goto done;
      p++;
    }
  }
  result = am_buf_detach(&out);

done:
  am_buf_free(&out);
  return result;
}
