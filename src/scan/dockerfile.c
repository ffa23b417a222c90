/* SPDX-License-Identifier: MIT */
/* A Dockerfile parser that splits lines as BuildKit does (directives,
 * escape token, continuations, heredocs), and an evaluator that finds the
 * images each build of the file names. */
#include "scan/scan_int.h"

#include "ref/ref.h"
#include "util/log.h"
#include "util/strmap.h"
#include "util/strv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One instruction after continuations are joined. */
typedef struct df_inst {
  int start, end; /* first and last line, from 1 */
  char *cmd;      /* lowercased keyword */
  char *args;     /* what follows the keyword and its flags */
  am_strv flags;  /* "name=value" without "--", quotes removed */
} df_inst;

/* A parsed file. */
typedef struct df_file {
  df_inst *v;
  size_t n, cap;
  char escape;
  char *syntax; /* the syntax directive's image, or NULL */
  int syntax_line;
} df_file;

/* Where lines come from: the text, split on '\n' with "\r\n" trimmed. */
typedef struct line_reader {
  const char *text;
  size_t len, pos;
  int lineno;
} line_reader;

static bool next_line(line_reader *lr, const char **line, size_t *n) {
  const char *nl;
  size_t end;

  if (lr->pos >= lr->len)
    return false;
  nl = memchr(lr->text + lr->pos, '\n', lr->len - lr->pos);
  end = nl ? (size_t)(nl - lr->text) : lr->len;
  *line = lr->text + lr->pos;
  *n = end - lr->pos;
  lr->pos = nl ? end + 1 : lr->len;
  while (*n > 0 && ((*line)[*n - 1] == '\r' || (*line)[*n - 1] == '\n'))
    (*n)--;
  if (lr->lineno == 0 && *n >= 3 && memcmp(*line, "\xef\xbb\xbf", 3) == 0) {
    *line += 3;
    *n -= 3;
  }
  lr->lineno++;
  return true;
}

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static void ltrim(const char **s, size_t *n) {
  while (*n > 0 && (is_space(**s) || **s == '\n')) {
    (*s)++;
    (*n)--;
  }
}

static bool is_comment(const char *s, size_t n) {
  ltrim(&s, &n);
  return n > 0 && s[0] == '#';
}

static bool is_blank(const char *s, size_t n) {
  ltrim(&s, &n);
  return n == 0;
}

/*
 * The continuation rule: the escape token is the last character bar spaces
 * and tabs, and is not itself escaped. On a match, cut the token and what
 * follows it from *n and return true.
 */
static bool cut_continuation(const char *s, size_t *n, char escape) {
  size_t end = *n;

  while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t'))
    end--;
  if (end == 0 || s[end - 1] != escape)
    return false;
  if (end >= 2 && s[end - 2] == escape)
    return false;
  *n = end - 1;
  return true;
}

/* Parser directives (# key=value) at the top of the file; `done` turns true
 * at the first line that is not one. Reports bad ones as unresolved. */
typedef struct directives {
  bool done;
  bool seen_escape, seen_syntax, seen_check;
} directives;

static int directive_line(directives *d, df_file *f, const char *s, size_t n,
                          int lineno, am_scan *scan, const char *path) {
  char key[32];
  size_t k = 0;
  size_t i = 1;
  const char *val;
  size_t vn;
  char value[256];

  if (d->done)
    return AM_OK;
  /* A shebang on the first line is skipped, as DetectSyntax does. */
  if (lineno == 1 && n >= 2 && s[0] == '#' && s[1] == '!')
    return AM_OK;
  if (n == 0 || s[0] != '#')
    goto not_directive;
  while (i < n && is_space(s[i]))
    i++;
  if (i >= n || !isalpha((unsigned char)s[i]))
    goto not_directive;
  while (i < n && isalnum((unsigned char)s[i])) {
    if (k + 1 < sizeof(key))
      key[k++] = (char)tolower((unsigned char)s[i]);
    i++;
  }
  key[k] = '\0';
  while (i < n && is_space(s[i]))
    i++;
  if (i >= n || s[i] != '=')
    goto not_directive;
  i++;
  while (i < n && is_space(s[i]))
    i++;
  val = s + i;
  vn = n - i;
  while (vn > 0 && is_space(val[vn - 1]))
    vn--;
  if (vn == 0)
    goto not_directive;
  snprintf(value, sizeof(value), "%.*s", (int)vn, val);

  if (strcmp(key, "escape") == 0) {
    if (d->seen_escape)
      return am_scan_add_unresolved(scan, path, lineno, value,
                                    "only one escape parser directive can "
                                    "be used");
    d->seen_escape = true;
    if (strcmp(value, "`") != 0 && strcmp(value, "\\") != 0)
      return am_scan_add_unresolved(scan, path, lineno, value,
                                    "invalid escape token, not ` or \\");
    f->escape = value[0];
  } else if (strcmp(key, "syntax") == 0) {
    char *sp;

    if (d->seen_syntax)
      return am_scan_add_unresolved(scan, path, lineno, value,
                                    "only one syntax parser directive can "
                                    "be used");
    d->seen_syntax = true;
    /* The image is the first word; options may follow it. */
    if ((sp = strchr(value, ' ')) != NULL)
      *sp = '\0';
    f->syntax = am_strdup(value);
    f->syntax_line = lineno;
    if (f->syntax == NULL)
      return AM_ENOMEM;
  } else if (strcmp(key, "check") == 0) {
    d->seen_check = true;
  } else {
    goto not_directive;
  }
  return AM_OK;

not_directive:
  d->done = true;
  return AM_OK;
}

/* Pull the leading --flags off `args` as BuildKit does: quotes removed,
 * a backslash escapes the next character, "--" alone ends the flags.
 * Returns where the arguments start. */
static const char *take_flags(const char *args, am_strv *flags, int *rc) {
  const char *p = args;
  am_buf word;

  *rc = AM_OK;
  am_buf_init(&word, AM_SCAN_WORD_MAX);
  for (;;) {
    char quote = 0;

    while (*p && is_space(*p))
      p++;
    if (p[0] != '-' || p[1] != '-')
      break;
    am_buf_reset(&word);
    while (*p && (quote || !is_space(*p))) {
      char c = *p++;

      if (quote && c == quote) {
        quote = 0;
        continue;
      }
      if (!quote && (c == '\'' || c == '"')) {
        quote = c;
        continue;
      }
      if (c == '\\') {
        if (*p == '\0')
          break;
        c = *p++;
      }
      if (am_buf_append(&word, &c, 1) != AM_OK)
        break;
    }
    if (word.len == 2 && memcmp(word.data, "--", 2) == 0)
      break;
    if ((*rc = am_strv_push(flags, word.data + 2)) != AM_OK)
      break;
  }
  am_buf_free(&word);
  return p;
}

/* The value of flag `name` ("from" for --from=x), or NULL. */
static const char *flag_value(const df_inst *in, const char *name, size_t nth) {
  size_t n = strlen(name);

  for (size_t i = 0; i < in->flags.len; i++) {
    const char *f = in->flags.v[i];

    if (strncmp(f, name, n) == 0 && f[n] == '=' && nth-- == 0)
      return f + n + 1;
  }
  return NULL;
}

/* Heredoc names in a line, as BuildKit finds them: words of the form
 * [n]<<[-]NAME where NAME, unquoted, is one word. */
typedef struct heredoc {
  char name[128];
  bool chomp;
} heredoc;

static size_t find_heredocs(const char *line, heredoc *out, size_t max) {
  const char *p = line;
  size_t count = 0;

  while (*p && count < max) {
    const char *w;
    const char *q;
    char quote = 0;
    bool chomp = false;
    size_t k = 0;
    bool ok = true;

    while (*p && is_space(*p))
      p++;
    w = p;
    while (*p && (quote || !is_space(*p))) {
      if (quote && *p == quote)
        quote = 0;
      else if (!quote && (*p == '\'' || *p == '"'))
        quote = *p;
      else if (*p == '\\' && p[1])
        p++;
      p++;
    }
    q = w;
    while (q < p && isdigit((unsigned char)*q))
      q++;
    if (p - q < 3 || q[0] != '<' || q[1] != '<')
      continue;
    q += 2;
    if (*q == '-') {
      chomp = true;
      q++;
    }
    if (q >= p || memchr(q, '<', (size_t)(p - q)) != NULL)
      continue;
    quote = 0;
    for (; q < p && ok; q++) {
      char c = *q;

      if (quote && c == quote) {
        quote = 0;
        continue;
      }
      if (!quote && (c == '\'' || c == '"')) {
        quote = c;
        continue;
      }
      if (!quote && c == '\\' && q + 1 < p)
        c = *++q;
      if (is_space(c))
        ok = false;
      else if (k + 1 < sizeof(out[count].name))
        out[count].name[k++] = c;
    }
    if (!ok || k == 0)
      continue;
    out[count].name[k] = '\0';
    out[count].chomp = chomp;
    count++;
  }
  return count;
}

static void df_free(df_file *f) {
  for (size_t i = 0; i < f->n; i++) {
    free(f->v[i].cmd);
    free(f->v[i].args);
    am_strv_free(&f->v[i].flags);
  }
  free(f->v);
  free(f->syntax);
  memset(f, 0, sizeof(*f));
}

/* Add one instruction from a joined logical line. */
static int add_inst(df_file *f, const char *line, size_t n, int start, int end,
                    df_inst **out) {
  df_inst *in;
  size_t k = 0;
  char *copy;
  const char *args;
  int rc = AM_OK;

  *out = NULL;
  ltrim(&line, &n);
  while (n > 0 && is_space(line[n - 1]))
    n--;
  if (n == 0)
    return AM_OK;
  if (f->n == f->cap) {
    size_t cap = f->cap ? f->cap * 2 : 32;
    df_inst *p = realloc(f->v, cap * sizeof(*p));

    if (p == NULL)
      return AM_ENOMEM;
    f->v = p;
    f->cap = cap;
  }
  in = &f->v[f->n];
  memset(in, 0, sizeof(*in));
  copy = am_strndup(line, n);
  if (copy == NULL)
    return AM_ENOMEM;
  while (k < n && !is_space(copy[k]))
    k++;
  in->cmd = am_strndup(copy, k);
  for (char *c = in->cmd; c && *c; c++)
    *c = (char)tolower((unsigned char)*c);
  args = take_flags(copy + k, &in->flags, &rc);
  in->args = am_strdup(args);
  free(copy);
  if (in->cmd == NULL || in->args == NULL || rc != AM_OK) {
    free(in->cmd);
    free(in->args);
    am_strv_free(&in->flags);
    return AM_ENOMEM;
  }
  in->start = start;
  in->end = end;
  f->n++;
  *out = in;
  return AM_OK;
}

/* RUN, COPY and ADD in shell form (and under ONBUILD) may carry heredocs;
 * the JSON form may not. */
static bool can_hold_heredoc(const df_inst *in) {
  const char *cmd = in->cmd;
  const char *args = in->args;
  char sub[16];
  size_t k = 0;

  if (strcmp(cmd, "onbuild") == 0) {
    while (args[k] && !is_space(args[k]) && k + 1 < sizeof(sub)) {
      sub[k] = (char)tolower((unsigned char)args[k]);
      k++;
    }
    sub[k] = '\0';
    cmd = sub;
    args += k;
    while (*args && is_space(*args))
      args++;
  }
  if (strcmp(cmd, "run") != 0 && strcmp(cmd, "copy") != 0 &&
      strcmp(cmd, "add") != 0)
    return false;
  return args[0] != '[';
}

/*
 * Split `text` into instructions. Errors that would stop BuildKit (an
 * unterminated heredoc) are added to `scan` and end the parse; what came
 * before stays.
 */
static int df_parse(df_file *f, const char *text, size_t len, am_scan *scan,
                    const char *path) {
  line_reader lr = {text, len, 0, 0};
  directives d = {0};
  am_buf logical;
  const char *line;
  size_t n;
  int rc = AM_OK;

  f->escape = '\\';
  am_buf_init(&logical, AM_SCAN_FILE_MAX + 1);
  while (rc == AM_OK && next_line(&lr, &line, &n)) {
    const char *s = line;
    size_t sn = n;
    int start = lr.lineno;
    bool more;
    df_inst *in = NULL;

    ltrim(&s, &sn);
    if ((rc = directive_line(&d, f, s, sn, lr.lineno, scan, path)) != AM_OK)
      break;
    if (sn == 0 || s[0] == '#')
      continue;
    am_buf_reset(&logical);
    more = cut_continuation(s, &sn, f->escape);
    if ((rc = am_buf_append(&logical, s, sn)) != AM_OK)
      break;
    while (more && next_line(&lr, &line, &n)) {
      if (is_comment(line, n) || is_blank(line, n))
        continue;
      more = cut_continuation(line, &n, f->escape);
      if ((rc = am_buf_append(&logical, line, n)) != AM_OK)
        break;
    }
    if (rc != AM_OK)
      break;
    rc = add_inst(f, logical.data, logical.len, start, lr.lineno, &in);
    if (rc != AM_OK || in == NULL || !can_hold_heredoc(in))
      continue;

    /* Heredoc bodies are data, never instructions: skip them whole. */
    {
      heredoc docs[16];
      size_t ndocs = find_heredocs(logical.data, docs, 16);

      for (size_t i = 0; i < ndocs && rc == AM_OK; i++) {
        bool found = false;
        size_t nl = strlen(docs[i].name);

        while (next_line(&lr, &line, &n)) {
          const char *t = line;
          size_t tn = n;

          if (docs[i].chomp) {
            while (tn > 0 && *t == '\t') {
              t++;
              tn--;
            }
          }
          if (tn == nl && memcmp(t, docs[i].name, nl) == 0) {
            found = true;
            break;
          }
        }
        in->end = lr.lineno;
        if (!found) {
          rc = am_scan_add_unresolved(scan, path, in->start, docs[i].name,
                                      "unterminated heredoc");
          goto done;
        }
      }
    }
  }

done:
  am_buf_free(&logical);
  return rc == AM_ETOOBIG ? AM_OK : rc;
}

/* ---- evaluation ---- */

typedef enum stage_kind {
  STAGE_UNKNOWN,
  STAGE_IMAGE,
  STAGE_SCRATCH,
  STAGE_PARENT
} stage_kind;

typedef struct stage {
  char *name; /* lowercased, or NULL */
  stage_kind kind;
  char *image; /* normalised, for STAGE_IMAGE */
  size_t parent;
} stage;

typedef struct eval {
  am_scan *scan;
  const char *path;
  const scan_df_opts *opts;
  scan_build *b;
  const df_file *f;
  const unsigned char *changed; /* per line: a k8s placeholder replaced */
  size_t nchanged;
  scan_env env;
  stage *stages;
  size_t nstages;
  am_strv names;   /* every stage name in the file, lowercased */
  size_t *nrefs;   /* references this file added, over all builds */
  am_strmap *seen; /* ref_key of every reference this file added */
  am_strv *keys;   /* the strings `seen` holds */
  bool stopped;    /* a cap was reached: the rest of the file is skipped */
} eval;

static bool lines_changed(const eval *ev, const df_inst *in) {
  for (int l = in->start; l <= in->end; l++) {
    if (l >= 0 && (size_t)l < ev->nchanged && ev->changed[l])
      return true;
  }
  return false;
}

static char *lowercase_dup(const char *s) {
  char *out = am_strdup(s);

  for (char *p = out; p && *p; p++)
    *p = (char)tolower((unsigned char)*p);
  return out;
}

/* Append the decimal digits of `v`. */
static int append_int(am_buf *b, long v) {
  char digits[24];
  char *d = digits + sizeof(digits);
  unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;

  do {
    *--d = (char)('0' + u % 10);
    u /= 10;
  } while (u > 0);
  if (v < 0)
    *--d = '-';
  return am_buf_append(b, d, (size_t)(digits + sizeof(digits) - d));
}

/* What tells two references of one file apart: line, context, platform
 * and the raw text (the image is a function of it). Owned by the caller;
 * NULL when memory runs out. */
static char *ref_key(int line, am_context ctx, const char *platform,
                     const char *raw) {
  am_buf key;
  size_t plen = platform ? strlen(platform) : 0;
  int rc;

  am_buf_init(&key, 0);
  rc = append_int(&key, line);
  rc = rc ? rc : am_buf_append(&key, " ", 1);
  rc = rc ? rc : append_int(&key, (long)ctx);
  /* The platform's length keeps "a b" + "c" apart from "a" + "b c". */
  rc = rc ? rc : am_buf_append(&key, platform ? " p" : " n", 2);
  rc = rc ? rc : append_int(&key, (long)plen);
  rc = rc ? rc : am_buf_append(&key, " ", 1);
  rc = rc ? rc : am_buf_append(&key, platform ? platform : "", plen);
  rc = rc ? rc : am_buf_puts(&key, raw);
  if (rc != AM_OK) {
    am_buf_free(&key);
    return NULL;
  }
  return am_buf_detach(&key);
}

/*
 * Add a reference unless the file has already named too many. Each build
 * of the file names its images again; an entry this file already added is
 * not added twice (am_scan_sort would keep only one), but still counts
 * towards the cap, as it always has.
 */
static int emit_image(eval *ev, const char *raw, int line, am_context ctx,
                      const char *platform) {
  char *key = NULL;
  size_t found = 0;
  int rc;

  if (*ev->nrefs >= AM_SCAN_REFS_PER_FILE) {
    if (*ev->nrefs == AM_SCAN_REFS_PER_FILE) {
      (*ev->nrefs)++;
      return am_scan_add_unresolved(ev->scan, ev->path, line, "",
                                    "too many references, the rest skipped");
    }
    return AM_OK;
  }
  (*ev->nrefs)++;
  if ((key = ref_key(line, ctx, platform, raw)) == NULL)
    return AM_ENOMEM;
  if (am_strmap_get(ev->seen, key, &found)) {
    free(key);
    return AM_OK;
  }
  if ((rc = am_strv_push_owned(ev->keys, key)) != AM_OK ||
      (rc = am_strmap_add(ev->seen, ev->keys->v[ev->keys->len - 1], 0)) !=
          AM_OK)
    return rc;
  return scan_add_image(ev->scan, raw, ev->path, line, ctx, platform);
}

/* The automatic platform arguments, here for the build's platform. */
static int set_platform_args(eval *ev) {
  const am_platform *p = &ev->b->plat;
  char plat[AM_PLATFORM_STR_MAX];
  static const char *const names[2][4] = {
      {"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"},
      {"BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"}};
  int rc = AM_OK;

  am_platform_format(p, false, plat, sizeof(plat));
  for (size_t i = 0; i < 2 && rc == AM_OK; i++) {
    rc = scan_env_set(&ev->env, names[i][0], plat, true);
    rc = rc ? rc : scan_env_set(&ev->env, names[i][1], p->os, true);
    rc = rc ? rc : scan_env_set(&ev->env, names[i][2], p->arch, true);
    rc = rc ? rc : scan_env_set(&ev->env, names[i][3], p->variant, true);
  }
  return rc;
}

/* The kubernetes scripts pass these with --build-arg. */
static const char *build_arg(const eval *ev, const char *name, bool *platform) {
  *platform = false;
  if (!ev->opts->k8s)
    return NULL;
  if (strcmp(name, "BASEIMAGE") == 0) {
    *platform = true;
    return ev->b->base ? ev->b->base : "";
  }
  if (strcmp(name, "REGISTRY") == 0)
    return ev->opts->registry;
  if (strcmp(name, "OS_VERSION") == 0) {
    *platform = true;
    return ev->b->os_ver ? ev->b->os_ver : "";
  }
  return NULL;
}

/* Split ARG's arguments into words, quotes kept, as BuildKit's parseWords
 * does; the values are expanded later. */
static int arg_words(const char *s, char escape, am_strv *out) {
  am_buf w;
  int rc = AM_OK;

  am_buf_init(&w, AM_SCAN_WORD_MAX);
  while (*s && rc == AM_OK) {
    char quote = 0;

    while (*s && is_space(*s))
      s++;
    if (*s == '\0')
      break;
    am_buf_reset(&w);
    while (*s && (quote || !is_space(*s)) && rc == AM_OK) {
      char c = *s++;

      if (quote && c == quote)
        quote = 0;
      else if (!quote && (c == '\'' || c == '"'))
        quote = c;
      if (c == escape && *s) {
        rc = am_buf_append(&w, &c, 1);
        c = *s++;
      }
      if (rc == AM_OK)
        rc = am_buf_append(&w, &c, 1);
    }
    if (rc == AM_OK)
      rc = am_strv_push(out, w.data);
  }
  am_buf_free(&w);
  return rc == AM_ETOOBIG ? AM_OK : rc;
}

/* A global ARG: declare each name, with its default expanded, unless a
 * build argument supplies the value. */
static int eval_global_arg(eval *ev, const df_inst *in) {
  am_strv words = {0};
  int rc = arg_words(in->args, ev->f->escape, &words);

  for (size_t i = 0; i < words.len && rc == AM_OK; i++) {
    char *w = words.v[i];
    char *eq = strchr(w, '=');
    bool platform = false;
    const char *given;

    if (eq)
      *eq = '\0';
    given = build_arg(ev, w, &platform);
    if (given != NULL) {
      rc = scan_env_set(&ev->env, w, given, platform);
    } else if (eq != NULL) {
      am_buf val;
      scan_expand_info info = {0};

      am_buf_init(&val, AM_SCAN_WORD_MAX);
      rc = scan_expand(eq + 1, ev->f->escape, SCAN_EXPAND_DOCKERFILE, &ev->env,
                       &val, &info);
      if (rc == AM_OK)
        rc = scan_env_set(&ev->env, w, val.data, info.used_platform);
      else if (rc == AM_EINVALID || rc == AM_ETOOBIG)
        rc = am_scan_add_unresolved(ev->scan, ev->path, in->start, eq + 1,
                                    info.error[0] ? info.error
                                                  : "ARG value too long");
      am_buf_free(&val);
    } else if (scan_env_get(&ev->env, w) == NULL) {
      rc = scan_env_set(&ev->env, w, NULL, false);
    }
    if (rc == AM_ETOOBIG)
      rc = am_scan_add_unresolved(ev->scan, ev->path, in->start, w,
                                  "too many ARGs, the rest ignored");
  }
  am_strv_free(&words);
  return rc;
}

/* Split on runs of whitespace. */
static int split_ws(const char *s, am_strv *out) {
  int rc = AM_OK;

  while (*s && rc == AM_OK) {
    const char *w;

    while (*s && is_space(*s))
      s++;
    if (*s == '\0')
      break;
    w = s;
    while (*s && !is_space(*s))
      s++;
    rc = am_strv_push_owned(out, am_strndup(w, (size_t)(s - w)));
  }
  return rc;
}

static int add_stage(eval *ev, const char *name, stage_kind kind,
                     const char *image, size_t parent) {
  stage *st;

  if (ev->nstages >= AM_SCAN_STAGES_MAX)
    return AM_ETOOBIG;
  st = realloc(ev->stages, (ev->nstages + 1) * sizeof(*st));
  if (st == NULL)
    return AM_ENOMEM;
  ev->stages = st;
  st = &ev->stages[ev->nstages];
  st->name = name ? lowercase_dup(name) : NULL;
  st->image = image ? am_strdup(image) : NULL;
  st->kind = kind;
  st->parent = parent;
  if ((name && !st->name) || (image && !st->image)) {
    free(st->name);
    free(st->image);
    return AM_ENOMEM;
  }
  ev->nstages++;
  return AM_OK;
}

/* The index of an earlier stage called `name`, or -1. */
static long find_stage(const eval *ev, const char *name) {
  for (size_t i = ev->nstages; i > 0; i--) {
    if (ev->stages[i - 1].name && strcasecmp(ev->stages[i - 1].name, name) == 0)
      return (long)(i - 1);
  }
  return -1;
}

/* The platform printed for a FROM: the constant --platform, if any. */
static int from_platform(eval *ev, const df_inst *in, char *out, size_t size) {
  const char *flag = flag_value(in, "platform", 0);
  am_buf val;
  scan_expand_info info = {0};
  am_err err = {0};
  int rc;

  out[0] = '\0';
  if (flag == NULL || strchr(flag, '$') != NULL)
    return AM_OK; /* a variable platform is the build's own */
  am_buf_init(&val, AM_SCAN_WORD_MAX);
  rc = scan_expand(flag, ev->f->escape, SCAN_EXPAND_DOCKERFILE, &ev->env, &val,
                   &info);
  if (rc == AM_OK &&
      am_platform_normalize_string(val.data, out, size, &err) != AM_OK) {
    out[0] = '\0';
    rc = am_scan_add_unresolved(ev->scan, ev->path, in->start, flag, err.msg);
  } else if (rc == AM_EINVALID || rc == AM_ETOOBIG) {
    rc = am_scan_add_unresolved(ev->scan, ev->path, in->start, flag,
                                info.error[0] ? info.error
                                              : "platform too long");
  }
  am_buf_free(&val);
  return rc;
}

static int eval_from(eval *ev, const df_inst *in) {
  am_strv words = {0};
  am_buf val;
  scan_expand_info info = {0};
  char platform[AM_PLATFORM_STR_MAX];
  const char *name = NULL;
  const char *image;
  char norm[AM_REF_STR_MAX];
  bool dependent;
  long parent;
  am_err err = {0};
  int rc;

  am_buf_init(&val, AM_SCAN_WORD_MAX);
  if (ev->nstages >= AM_SCAN_STAGES_MAX) {
    rc = AM_ETOOBIG;
    goto done;
  }
  if ((rc = split_ws(in->args, &words)) != AM_OK)
    goto done;
  if (words.len == 3 && strcasecmp(words.v[1], "as") == 0) {
    name = words.v[2];
  } else if (words.len != 1) {
    rc = am_scan_add_unresolved(ev->scan, ev->path, in->start, in->args,
                                "FROM takes an image and an optional AS "
                                "name");
    if (rc == AM_OK)
      rc = add_stage(ev, NULL, STAGE_UNKNOWN, NULL, 0);
    goto done;
  }
  if ((rc = from_platform(ev, in, platform, sizeof(platform))) != AM_OK)
    goto done;

  rc = scan_expand(words.v[0], ev->f->escape, SCAN_EXPAND_DOCKERFILE, &ev->env,
                   &val, &info);
  if (rc == AM_EINVALID || rc == AM_ETOOBIG) {
    rc = am_scan_add_unresolved(ev->scan, ev->path, in->start, words.v[0],
                                info.error[0] ? info.error
                                              : "image name too long");
    rc = rc ? rc : add_stage(ev, name, STAGE_UNKNOWN, NULL, 0);
    goto done;
  }
  if (rc != AM_OK)
    goto done;
  image = val.data;
  dependent = info.used_platform || lines_changed(ev, in);
  /* The older kubernetes convention: a literal BASEIMAGE that sed
   * replaced before the build. */
  if (ev->opts->k8s && ev->b->base && strcmp(image, "BASEIMAGE") == 0) {
    image = ev->b->base;
    dependent = true;
  }
  if (info.unset[0] != '\0') {
    char reason[200];

    snprintf(reason, sizeof(reason), "variable %s is not set", info.unset);
    rc = am_scan_add_unresolved(ev->scan, ev->path, in->start, words.v[0],
                                reason);
    rc = rc ? rc : add_stage(ev, name, STAGE_UNKNOWN, NULL, 0);
    goto done;
  }
  if (strcasecmp(image, "scratch") == 0) {
    rc = add_stage(ev, name, STAGE_SCRATCH, NULL, 0);
    goto done;
  }
  if ((parent = find_stage(ev, image)) >= 0) {
    rc = add_stage(ev, name, STAGE_PARENT, NULL, (size_t)parent);
    goto done;
  }
  if (am_ref_normalize(image, norm, sizeof(norm), &err) != AM_OK) {
    rc = am_scan_add_unresolved(ev->scan, ev->path, in->start,
                                *image ? image : words.v[0], err.msg);
    rc = rc ? rc : add_stage(ev, name, STAGE_UNKNOWN, NULL, 0);
    goto done;
  }
  rc = emit_image(ev, image, in->start, AM_CTX_FROM,
                  dependent ? ev->b->key : (platform[0] ? platform : NULL));
  rc = rc ? rc : add_stage(ev, name, STAGE_IMAGE, norm, 0);

done:
  if (rc == AM_ETOOBIG) {
    rc = am_scan_add_unresolved(ev->scan, ev->path, in->start, "",
                                "too many stages, the rest ignored");
    ev->stopped = true;
  }
  am_strv_free(&words);
  am_buf_free(&val);
  return rc;
}

/* COPY --from=X and RUN --mount=from=X: a stage name or index, or an
 * image. BuildKit does not expand variables here. */
static int eval_from_flag(eval *ev, const df_inst *in, const char *value,
                          am_context ctx) {
  char *lower;
  bool digits = *value != '\0';
  bool stage_name;
  int rc;

  if (*value == '\0')
    return AM_OK;
  if (strchr(value, '$') != NULL)
    return am_scan_add_unresolved(ev->scan, ev->path, in->start, value,
                                  "variables are not expanded in --from");
  for (const char *p = value; *p; p++) {
    if (!isdigit((unsigned char)*p))
      digits = false;
  }
  if (digits) {
    if (strlen(value) < 8 && (size_t)atol(value) < ev->nstages)
      return AM_OK;
    return am_scan_add_unresolved(ev->scan, ev->path, in->start, value,
                                  "no stage with this index");
  }
  lower = lowercase_dup(value);
  if (lower == NULL)
    return AM_ENOMEM;
  stage_name =
      am_strv_contains(&ev->names, lower) || strcmp(lower, "scratch") == 0;
  free(lower);
  if (stage_name)
    return AM_OK;
  rc = emit_image(ev, value, in->start, ctx,
                  lines_changed(ev, in) ? ev->b->key : NULL);
  return rc;
}

/* The from= key of one --mount value, a CSV list of key=value. */
static int mount_from(const char *mount, char **out) {
  am_buf field;
  const char *p = mount;
  int rc = AM_OK;

  *out = NULL;
  am_buf_init(&field, AM_SCAN_WORD_MAX);
  if (am_buf_append(&field, "", 0) != AM_OK)
    return AM_ENOMEM;
  while (*p && rc == AM_OK && *out == NULL) {
    bool quoted = false;

    am_buf_reset(&field);
    for (; *p; p++) {
      if (*p == '"') {
        if (quoted && p[1] == '"') {
          rc = am_buf_append(&field, p++, 1);
          continue;
        }
        quoted = !quoted;
        continue;
      }
      if (*p == ',' && !quoted)
        break;
      if ((rc = am_buf_append(&field, p, 1)) != AM_OK)
        break;
    }
    if (*p == ',')
      p++;
    if (rc == AM_OK && strncasecmp(field.data, "from=", 5) == 0 &&
        (*out = am_strdup(field.data + 5)) == NULL)
      rc = AM_ENOMEM;
  }
  am_buf_free(&field);
  return rc == AM_ETOOBIG ? AM_OK : rc;
}

static void free_stages(eval *ev) {
  for (size_t i = 0; i < ev->nstages; i++) {
    free(ev->stages[i].name);
    free(ev->stages[i].image);
  }
  free(ev->stages);
  ev->stages = NULL;
  ev->nstages = 0;
}

/* The image the last stage is built on, following stage names. */
static char *final_base(const eval *ev) {
  size_t i;

  if (ev->nstages == 0)
    return NULL;
  i = ev->nstages - 1;
  for (size_t hops = 0; hops <= ev->nstages; hops++) {
    const stage *st = &ev->stages[i];

    if (st->kind == STAGE_IMAGE)
      return am_strdup(st->image);
    if (st->kind != STAGE_PARENT || st->parent >= i)
      return NULL;
    i = st->parent;
  }
  return NULL;
}

/* Evaluate the parsed file for one build. */
static int eval_build(eval *ev) {
  bool global = true;
  int rc = AM_OK;

  if ((rc = set_platform_args(ev)) != AM_OK)
    return rc;
  for (size_t i = 0; i < ev->f->n && rc == AM_OK && !ev->stopped; i++) {
    const df_inst *in = &ev->f->v[i];

    if (strcmp(in->cmd, "from") == 0) {
      global = false;
      rc = eval_from(ev, in);
    } else if (strcmp(in->cmd, "arg") == 0 && global) {
      rc = eval_global_arg(ev, in);
    } else if (strcmp(in->cmd, "copy") == 0 && !global) {
      const char *from = flag_value(in, "from", 0);

      if (from != NULL)
        rc = eval_from_flag(ev, in, from, AM_CTX_COPY_FROM);
    } else if (strcmp(in->cmd, "run") == 0 && !global) {
      const char *m;

      for (size_t k = 0; rc == AM_OK && (m = flag_value(in, "mount", k)); k++) {
        char *from = NULL;

        rc = mount_from(m, &from);
        if (rc == AM_OK && from != NULL)
          rc = eval_from_flag(ev, in, from, AM_CTX_MOUNT_FROM);
        free(from);
      }
    }
  }
  if (rc == AM_OK)
    ev->b->final_base = final_base(ev);
  return rc;
}

/* Collect every AS name, so COPY --from can name a later stage too. */
static int collect_names(const df_file *f, am_strv *names) {
  int rc = AM_OK;

  for (size_t i = 0; i < f->n && rc == AM_OK; i++) {
    am_strv words = {0};

    if (strcmp(f->v[i].cmd, "from") != 0)
      continue;
    rc = split_ws(f->v[i].args, &words);
    if (rc == AM_OK && words.len == 3 && strcasecmp(words.v[1], "as") == 0)
      rc = am_strv_push_owned(names, lowercase_dup(words.v[2]));
    am_strv_free(&words);
  }
  return rc;
}

/* The qemu name of an architecture, as image-util.sh maps it. */
static const char *qemu_arch(const char *arch) {
  if (strcmp(arch, "amd64") == 0)
    return "x86_64";
  if (strcmp(arch, "arm64") == 0)
    return "aarch64";
  return arch;
}

/* Replace every `from` in [s, s+n) by `to`, appending to `out`. Returns
 * true when anything was replaced. */
static bool replace_all(const char *s, size_t n, const char *from,
                        const char *to, am_buf *out, int *rc) {
  size_t fl = strlen(from);
  bool hit = false;
  size_t i = 0;

  while (i < n && *rc == AM_OK) {
    if (n - i >= fl && memcmp(s + i, from, fl) == 0) {
      *rc = am_buf_puts(out, to);
      i += fl;
      hit = true;
    } else {
      *rc = am_buf_append(out, s + i, 1);
      i++;
    }
  }
  return hit;
}

/*
 * The edits image-util.sh makes to a Dockerfile before building it for
 * one platform: BASEARCH becomes the arch (when BASEIMAGE exists); on
 * amd64 every CROSS_BUILD_ line goes, elsewhere QEMUARCH becomes the qemu
 * arch and the CROSS_BUILD_ prefix is dropped. Lines keep their numbers;
 * `changed` marks the lines edited.
 */
static int k8s_transform(const char *text, size_t len, const scan_build *b,
                         char **out, size_t *outlen, unsigned char **changed,
                         size_t *nchanged) {
  am_buf buf;
  am_buf line;
  size_t pos = 0;
  size_t lineno = 0;
  size_t lines = 2;
  bool amd64 = strcmp(b->plat.arch, "amd64") == 0;
  int rc = AM_OK;

  for (size_t i = 0; i < len; i++)
    lines += text[i] == '\n';
  *changed = calloc(lines, 1);
  *nchanged = lines;
  if (*changed == NULL)
    return AM_ENOMEM;
  am_buf_init(&buf, 4 * AM_SCAN_FILE_MAX);
  am_buf_init(&line, 2 * AM_SCAN_FILE_MAX);
  if (am_buf_append(&line, "", 0) != AM_OK) {
    free(*changed);
    *changed = NULL;
    return AM_ENOMEM;
  }
  while (pos < len && rc == AM_OK) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len;
    const char *s = text + pos;
    size_t n = end - pos;
    bool hit = false;
    am_buf tmp;

    lineno++;
    am_buf_reset(&line);
    am_buf_init(&tmp, 2 * AM_SCAN_FILE_MAX);
    if (rc == AM_OK)
      rc = am_buf_append(&tmp, "", 0);
    if (b->base != NULL)
      hit |= replace_all(s, n, "BASEARCH", b->plat.arch, &line, &rc);
    else
      rc = am_buf_append(&line, s, n);
    if (rc == AM_OK && memmem(line.data, line.len, "CROSS_BUILD_", 12)) {
      hit = true;
      if (amd64) {
        am_buf_reset(&line);
      } else {
        replace_all(line.data, line.len, "QEMUARCH", qemu_arch(b->plat.arch),
                    &tmp, &rc);
        am_buf_reset(&line);
        if (rc == AM_OK)
          replace_all(tmp.data, tmp.len, "CROSS_BUILD_", "", &line, &rc);
      }
    } else if (rc == AM_OK && !amd64 &&
               memmem(line.data, line.len, "QEMUARCH", 8)) {
      hit = true;
      replace_all(line.data, line.len, "QEMUARCH", qemu_arch(b->plat.arch),
                  &tmp, &rc);
      am_buf_reset(&line);
      if (rc == AM_OK)
        rc = am_buf_append(&line, tmp.data, tmp.len);
    }
    am_buf_free(&tmp);
    if (rc == AM_OK)
      rc = am_buf_append(&buf, line.data, line.len);
    if (rc == AM_OK && nl)
      rc = am_buf_append(&buf, "\n", 1);
    if (hit && lineno < lines)
      (*changed)[lineno] = 1;
    pos = nl ? end + 1 : len;
  }
  am_buf_free(&line);
  if (rc != AM_OK) {
    am_buf_free(&buf);
    free(*changed);
    *changed = NULL;
    return rc;
  }
  *outlen = buf.len;
  *out = am_buf_detach(&buf);
  return *out ? AM_OK : AM_ENOMEM;
}

/*
 * Each build of the file is evaluated on its own text: the kubernetes
 * conventions edit it per platform. A build whose text is the same as the
 * one before reuses that parse (most builds of most files), which also adds
 * the same parse errors only once; am_scan_sort would drop the copies.
 */
int scan_dockerfile(am_scan *scan, const char *path, const char *text,
                    size_t len, scan_df_opts *opts) {
  size_t nrefs = 0;
  am_strmap seen = {0};
  am_strv keys = {0};
  df_file f = {0};
  am_strv names = {0};
  char *parsed = NULL; /* the text `f` was parsed from, when edited */
  size_t plen = 0;
  bool have = false;
  int rc = AM_OK;

  for (size_t i = 0; i < opts->nbuilds && rc == AM_OK; i++) {
    eval ev = {0};
    char *edited = NULL;
    size_t elen = 0;
    unsigned char *changed = NULL;
    size_t nchanged = 0;
    const char *t = text;
    size_t tlen = len;

    ev.scan = scan;
    ev.path = path;
    ev.opts = opts;
    ev.b = &opts->builds[i];
    ev.f = &f;
    ev.nrefs = &nrefs;
    ev.seen = &seen;
    ev.keys = &keys;
    if (opts->k8s) {
      rc = k8s_transform(text, len, ev.b, &edited, &elen, &changed, &nchanged);
      if (rc == AM_ETOOBIG) {
        rc = am_scan_add_unresolved(scan, path, 0, "",
                                    "file grows too large when edited");
        break;
      }
      if (rc != AM_OK)
        break;
      ev.changed = changed;
      ev.nchanged = nchanged;
      t = edited;
      tlen = elen;
    }
    if (!have || tlen != plen || memcmp(t, parsed ? parsed : text, tlen) != 0) {
      df_free(&f);
      am_strv_free(&names);
      free(parsed);
      parsed = NULL;
      have = false;
      rc = df_parse(&f, t, tlen, scan, path);
      if (rc == AM_OK)
        rc = collect_names(&f, &names);
      if (rc == AM_OK) {
        have = true;
        plen = tlen;
        parsed = edited;
        edited = NULL;
      }
    }
    if (rc == AM_OK && f.syntax != NULL && i == 0)
      rc = emit_image(&ev, f.syntax, f.syntax_line, AM_CTX_SYNTAX, NULL);
    ev.names = names;
    if (rc == AM_OK)
      rc = eval_build(&ev);
    scan_env_free(&ev.env);
    free_stages(&ev);
    free(edited);
    free(changed);
  }
  df_free(&f);
  am_strv_free(&names);
  free(parsed);
  am_strmap_free(&seen);
  am_strv_free(&keys);
  return rc;
}
