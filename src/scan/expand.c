/* SPDX-License-Identifier: MIT */
/* Variables and word expansion as BuildKit's shell lexer does it, bounded
 * in output size and nesting. */
#include "scan/scan_int.h"

#include "util/strv.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ${A:-${B:-${C}}} nests; a hostile file may nest without end. */
#define EXPAND_DEPTH_MAX 32

int scan_env_set(scan_env *env, const char *name, const char *value,
                 bool platform) {
  char *v = NULL;

  if (value != NULL && (v = am_strdup(value)) == NULL)
    return AM_ENOMEM;
  for (size_t i = 0; i < env->n; i++) {
    if (strcmp(env->v[i].name, name) == 0) {
      free(env->v[i].value);
      env->v[i].value = v;
      env->v[i].platform = platform;
      return AM_OK;
    }
  }
  if (env->n >= AM_SCAN_VARS_MAX) {
    free(v);
    return AM_ETOOBIG;
  }
  if (env->n == env->cap) {
    size_t cap = env->cap ? env->cap * 2 : 16;
    scan_var *p = realloc(env->v, cap * sizeof(*p));

    if (p == NULL) {
      free(v);
      return AM_ENOMEM;
    }
    env->v = p;
    env->cap = cap;
  }
  env->v[env->n].name = am_strdup(name);
  if (env->v[env->n].name == NULL) {
    free(v);
    return AM_ENOMEM;
  }
  env->v[env->n].value = v;
  env->v[env->n].platform = platform;
  env->n++;
  return AM_OK;
}

const scan_var *scan_env_get(const scan_env *env, const char *name) {
  for (size_t i = 0; env && i < env->n; i++) {
    if (strcmp(env->v[i].name, name) == 0)
      return &env->v[i];
  }
  return NULL;
}

void scan_env_free(scan_env *env) {
  if (env == NULL)
    return;
  for (size_t i = 0; i < env->n; i++) {
    free(env->v[i].name);
    free(env->v[i].value);
  }
  free(env->v);
  memset(env, 0, sizeof(*env));
}

typedef struct lexer {
  const char *s;
  size_t pos, len;
  char escape;
  scan_expand_mode mode;
  const scan_env *env;
  scan_expand_info *info;
  int depth;
} lexer;

static int lex_error(lexer *lx, const char *msg) {
  if (lx->info->error[0] == '\0')
    snprintf(lx->info->error, sizeof(lx->info->error), "%s", msg);
  return AM_EINVALID;
}

/* Look a variable up, noting what the caller needs to know: whether it
 * depends on the platform. Returns NULL when unset. */
static const char *lookup(lexer *lx, const char *name, bool *set) {
  const scan_var *v = scan_env_get(lx->env, name);

  *set = v != NULL && v->value != NULL;
  if (v != NULL && v->platform)
    lx->info->used_platform = true;
  return *set ? v->value : "";
}

static void note_unset(lexer *lx, const char *name) {
  if (lx->info->unset[0] == '\0')
    snprintf(lx->info->unset, sizeof(lx->info->unset), "%s", name);
}

/* A name after '$': digits, one special character, or a word. */
static void read_name(lexer *lx, char *name, size_t size) {
  size_t n = 0;

  name[0] = '\0';
  if (lx->pos >= lx->len)
    return;
  if (isdigit((unsigned char)lx->s[lx->pos])) {
    while (lx->pos < lx->len && isdigit((unsigned char)lx->s[lx->pos])) {
      if (n + 1 < size)
        name[n++] = lx->s[lx->pos];
      lx->pos++;
    }
    name[n] = '\0';
    return;
  }
  if (strchr("*#$@!?-", lx->s[lx->pos]) != NULL) {
    name[0] = lx->s[lx->pos++];
    name[1] = '\0';
    return;
  }
  while (lx->pos < lx->len) {
    char c = lx->s[lx->pos];

    if (!isalnum((unsigned char)c) && c != '_')
      break;
    if (n + 1 < size)
      name[n++] = c;
    lx->pos++;
  }
  name[n] = '\0';
}

static int process(lexer *lx, char stop, am_buf *out);

/* Strip the shortest or longest prefix (or suffix) matching a glob. */
static int trim_pattern(const char *value, const char *pat, bool suffix,
                        bool longest, am_buf *out) {
  size_t n = strlen(value);
  char *tmp = malloc(n + 1);
  size_t keep_from = 0;
  size_t keep_to = n;
  int rc;

  if (tmp == NULL)
    return AM_ENOMEM;
  /* Values are capped at AM_SCAN_WORD_MAX, so n^2 stays bounded; cap the
   * search harder still since fnmatch itself is linear. */
  if (n <= 4096) {
    for (size_t k = 0; k <= n; k++) {
      size_t len = longest ? n - k : k;

      if (suffix) {
        if (fnmatch(pat, value + n - len, 0) == 0) {
          keep_to = n - len;
          break;
        }
      } else {
        memcpy(tmp, value, len);
        tmp[len] = '\0';
        if (fnmatch(pat, tmp, 0) == 0) {
          keep_from = len;
          break;
        }
      }
    }
  }
  rc = am_buf_append(out, value + keep_from, keep_to - keep_from);
  free(tmp);
  return rc;
}

/* After "${": name, then '}' or a modifier and its word. */
static int process_braced(lexer *lx, am_buf *out) {
  char name[128];
  bool set = false;
  const char *value;
  char op;
  bool colon = false;
  am_buf word;
  scan_expand_info sub = {0};
  scan_expand_info *saved = lx->info;
  int rc = AM_OK;

  if (lx->pos >= lx->len)
    return lex_error(lx, "syntax error: missing '}'");
  if (strchr("{}:", lx->s[lx->pos]) != NULL)
    return lex_error(lx, "syntax error: bad substitution");
  read_name(lx, name, sizeof(name));
  if (name[0] == '\0' || lx->pos >= lx->len)
    return lex_error(lx, "syntax error: missing '}'");
  op = lx->s[lx->pos++];
  value = lookup(lx, name, &set);
  if (op == '}') {
    if (!set)
      note_unset(lx, name);
    return am_buf_puts(out, value);
  }
  if (op == ':') {
    if (lx->pos >= lx->len)
      return lex_error(lx, "syntax error: missing '}'");
    colon = true;
    op = lx->s[lx->pos++];
    if (strchr("-+?", op) == NULL)
      return lex_error(lx, "unsupported modifier in substitution");
  } else if (strchr("-+?#%", op) == NULL) {
    return lex_error(lx, "unsupported modifier in substitution");
  }

  /* The word is expanded on its own so that an unset variable inside it
   * only counts when the word is used. */
  am_buf_init(&word, AM_SCAN_WORD_MAX);
  if (am_buf_append(&word, "", 0) != AM_OK)
    return AM_ENOMEM;
  lx->info = &sub;
  if (++lx->depth > EXPAND_DEPTH_MAX)
    rc = lex_error(lx, "substitutions nest too deep");
  else
    rc = process(lx, '}', &word);
  lx->depth--;
  lx->info = saved;
  if (sub.used_platform)
    lx->info->used_platform = true;
  if (sub.error[0] != '\0')
    lex_error(lx, sub.error);
  if (rc != AM_OK)
    goto done;

  {
    bool empty = !set || (colon && value[0] == '\0');

    switch (op) {
    case '-':
      if (empty) {
        if (sub.unset[0] != '\0')
          note_unset(lx, sub.unset);
        rc = am_buf_append(out, word.data, word.len);
      } else {
        rc = am_buf_puts(out, value);
      }
      break;
    case '+':
      if (!empty) {
        if (sub.unset[0] != '\0')
          note_unset(lx, sub.unset);
        rc = am_buf_append(out, word.data, word.len);
      }
      break;
    case '?':
      if (empty) {
        char msg[256];

        snprintf(msg, sizeof(msg), "%s: %s", name,
                 word.len ? word.data : "is not allowed to be unset");
        rc = lex_error(lx, msg);
      } else {
        rc = am_buf_puts(out, value);
      }
      break;
    case '#':
    case '%': {
      bool longest = word.len > 0 && word.data[0] == op;
      const char *pat = word.data + (longest ? 1 : 0);

      if (!set)
        note_unset(lx, name);
      rc = trim_pattern(value, pat, op == '%', longest, out);
      break;
    }
    }
  }

done:
  am_buf_free(&word);
  return rc;
}

static int process_dollar(lexer *lx, am_buf *out) {
  char name[128];
  bool set = false;
  const char *value;

  lx->pos++; /* the '$' */
  if (lx->mode == SCAN_EXPAND_COMPOSE && lx->pos < lx->len &&
      lx->s[lx->pos] == '$') {
    lx->pos++;
    return am_buf_puts(out, "$");
  }
  if (lx->pos < lx->len && lx->s[lx->pos] == '{') {
    lx->pos++;
    return process_braced(lx, out);
  }
  read_name(lx, name, sizeof(name));
  if (name[0] == '\0')
    return am_buf_puts(out, "$");
  value = lookup(lx, name, &set);
  if (!set)
    note_unset(lx, name);
  return am_buf_puts(out, value);
}

static int process_single_quote(lexer *lx, am_buf *out) {
  lx->pos++;
  while (lx->pos < lx->len) {
    char c = lx->s[lx->pos++];

    if (c == '\'')
      return AM_OK;
    if (am_buf_append(out, &c, 1) != AM_OK)
      return AM_ETOOBIG;
  }
  return lex_error(lx, "unexpected end of statement while looking for "
                       "matching single-quote");
}

static int process_double_quote(lexer *lx, am_buf *out) {
  int rc;

  lx->pos++;
  while (lx->pos < lx->len) {
    char c = lx->s[lx->pos];

    if (c == '"') {
      lx->pos++;
      return AM_OK;
    }
    if (c == '$') {
      if ((rc = process_dollar(lx, out)) != AM_OK)
        return rc;
      continue;
    }
    if (c == lx->escape && lx->pos + 1 < lx->len) {
      char next = lx->s[lx->pos + 1];

      /* Only these can be escaped inside double quotes; any other escape
       * token stays as written. */
      if (next == '"' || next == '$' || next == lx->escape) {
        c = next;
        lx->pos++;
      }
    }
    lx->pos++;
    if ((rc = am_buf_append(out, &c, 1)) != AM_OK)
      return rc;
  }
  return lex_error(lx, "unexpected end of statement while looking for "
                       "matching double-quote");
}

/* Expand until `stop` (consumed) or the end of input. */
static int process(lexer *lx, char stop, am_buf *out) {
  int rc = AM_OK;

  while (lx->pos < lx->len) {
    char c = lx->s[lx->pos];

    if (stop && c == stop) {
      lx->pos++;
      return AM_OK;
    }
    if (c == '$') {
      rc = process_dollar(lx, out);
    } else if (lx->mode == SCAN_EXPAND_DOCKERFILE && c == '\'') {
      rc = process_single_quote(lx, out);
    } else if (lx->mode == SCAN_EXPAND_DOCKERFILE && c == '"') {
      rc = process_double_quote(lx, out);
    } else if (lx->mode == SCAN_EXPAND_DOCKERFILE && c == lx->escape) {
      lx->pos++;
      if (lx->pos >= lx->len)
        break; /* an escape token at the end is dropped */
      rc = am_buf_append(out, &lx->s[lx->pos++], 1);
    } else {
      rc = am_buf_append(out, &c, 1);
      lx->pos++;
    }
    if (rc != AM_OK)
      return rc;
  }
  if (stop)
    return lex_error(lx, "syntax error: missing '}'");
  return AM_OK;
}

int scan_expand(const char *word, char escape, scan_expand_mode mode,
                const scan_env *env, am_buf *out, scan_expand_info *info) {
  lexer lx = {0};

  lx.s = word;
  lx.len = strlen(word);
  lx.escape = escape ? escape : '\\';
  lx.mode = mode;
  lx.env = env;
  lx.info = info;
  /* Callers read out->data as a string even when nothing is appended. */
  if (am_buf_append(out, "", 0) != AM_OK)
    return AM_ENOMEM;
  return process(&lx, 0, out);
}
