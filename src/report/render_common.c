/* SPDX-License-Identifier: MIT */
/* Helpers every page renderer uses. Values are set raw: the templates'
 * AUTOESCAPE pragma escapes them for the context they land in. */
#include "report/render.h"

#include <stdlib.h>
#include <string.h>

static const char *const symbols[AM_CELL_NSTATES] = {
    "\u2713",  /* published: check mark */
    "\u25D0",  /* declared: half circle, on its way */
    "+",       /* portable: can be added */
    "\u2298",  /* blocked: circled slash */
    "\u2717",  /* missing: ballot x */
    "?",       /* unknown */
    "\u2013"}; /* unused: a dash, nothing asked for */

const char *am_render_symbol(am_cell_state s) {
  return (int)s >= 0 && s < AM_CELL_NSTATES ? symbols[s] : "?";
}

const char *am_render_short_name(const char *image) {
  const char *at = strchr(image, '@');
  const char *slash = NULL;

  /* The last path component, looked for before any digest. */
  for (const char *p = image; *p && (at == NULL || p < at); p++) {
    if (*p == '/')
      slash = p;
  }
  return slash ? slash + 1 : image;
}

am_tpl_dict *am_render_page_dict(const am_render *r, const char *page_title,
                                 const char *root, const char *nav) {
  am_tpl_dict *d = am_tpl_dict_new("page");
  am_tpl_dict *parts[2] = {NULL, NULL};

  if (d == NULL)
    return NULL;
  parts[0] = am_tpl_include(d, "HEAD", "_head.html.tpl");
  parts[1] = am_tpl_include(d, "FOOT", "_foot.html.tpl");
  /* Include dictionaries do not see their parent's values. */
  for (size_t i = 0; i < 3; i++) {
    am_tpl_dict *x = i < 2 ? parts[i] : d;

    am_tpl_set(x, "SITE_TITLE", r->title);
    am_tpl_set(x, "PAGE_TITLE", page_title);
    am_tpl_set(x, "ROOT", root);
    am_tpl_set(x, "GENERATED_AT", r->m->generated_at);
    am_tpl_set(x, "VERSION", AM_VERSION);
    am_tpl_show(x, strcmp(nav, "overview") == 0 ? "NAV_OVERVIEW"
                   : strcmp(nav, "trend") == 0  ? "NAV_TREND"
                                                : "NAV_OTHER");
  }
  for (size_t s = 0; s < r->m->nscans; s++) {
    const am_scan *scan = &r->m->scans[s];
    am_tpl_dict *src = am_tpl_section(parts[0], "SOURCE");

    am_tpl_set(src, "URL", scan->url);
    am_tpl_setf(src, "COMMIT", "%.12s", scan->commit ? scan->commit : "");
  }
  return d;
}

int am_render_emit(const am_render *r, const char *tpl_file,
                   const am_tpl_dict *dict, const char *relpath, am_err *err) {
  am_buf out;
  int rc = AM_OK;

  am_buf_init(&out, 0);
  rc = am_tpl_expand(r->tpl, tpl_file, dict, &out, err);
  if (rc == AM_OK)
    rc = am_site_write(r->site, relpath, out.data, out.len, err);
  am_buf_free(&out);
  return rc;
}

void am_render_cell(am_tpl_dict *d, const am_cell *c) {
  const char *word = am_cell_state_name(c->state);

  am_tpl_set(d, "STATE", word);
  am_tpl_set(d, "WORD", word);
  am_tpl_set(d, "SYMBOL", am_render_symbol(c->state));
  am_tpl_set_int(d, "RANK", (long)c->state);
  if (c->state == AM_CELL_BLOCKED && c->base != NULL) {
    am_tpl_set(d, "DETAIL", am_render_short_name(c->base));
    am_tpl_setf(d, "HINT", "blocked: base %s lacks this platform", c->base);
  } else if (c->state == AM_CELL_DECLARED && c->base != NULL) {
    am_tpl_setf(d, "DETAIL", "base %s lacks it", am_render_short_name(c->base));
    am_tpl_setf(d, "HINT", "%s: %s", word, c->note ? c->note : "");
  } else if (c->state == AM_CELL_PORTABLE && c->base != NULL) {
    am_tpl_set(d, "DETAIL", "");
    am_tpl_setf(d, "HINT", "portable: base %s has this platform", c->base);
  } else if (c->note != NULL) {
    am_tpl_set(d, "DETAIL", c->state == AM_CELL_UNKNOWN ? c->note : "");
    am_tpl_setf(d, "HINT", "%s: %s", word, c->note);
  } else if (c->os_versions != NULL) {
    am_tpl_set(d, "DETAIL", "");
    am_tpl_setf(d, "HINT", "%s: %s", word, c->os_versions);
  } else {
    am_tpl_set(d, "HINT", word);
  }
  if (c->state == AM_CELL_BLOCKED || c->state == AM_CELL_UNKNOWN ||
      (c->state == AM_CELL_DECLARED && c->base != NULL))
    am_tpl_show(d, "HAS_DETAIL");
}

void am_render_image_name(am_tpl_dict *d, const char *image, const char *page,
                          const char *root) {
  const char *name = am_render_short_name(image);

  am_tpl_set(d, "IMAGE", image);
  am_tpl_setf(d, "IMAGE_PREFIX", "%.*s", (int)(name - image), image);
  am_tpl_set(d, "IMAGE_NAME", name);
  if (page != NULL)
    am_tpl_setf(d, "PAGE", "%simages/%s.html", root, page);
}

/* Percent-encode a repository path for a URL, keeping its slashes. */
static char *encode_path(const char *path) {
  static const char hex[] = "0123456789ABCDEF";
  size_t n = strlen(path);
  char *out = malloc(n * 3 + 1);
  char *o = out;

  if (out == NULL)
    return NULL;
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
        (*p >= '0' && *p <= '9') || strchr("/-._~", *p) != NULL) {
      *o++ = (char)*p;
    } else {
      *o++ = '%';
      *o++ = hex[*p >> 4];
      *o++ = hex[*p & 15];
    }
  }
  *o = '\0';
  return out;
}

char *am_render_source_link(const char *url, const char *commit,
                            const char *path, int line) {
  char *web = NULL;
  char *enc = NULL;
  char *link = NULL;
  const char *host = NULL;
  size_t n = 0;
  bool gitlab = false;

  if (url == NULL || commit == NULL || path == NULL)
    return NULL;
  /* Only the two forges whose blob URLs we know, over https. */
  if (am_starts_with(url, "https://github.com/"))
    host = "https://github.com/";
  else if (am_starts_with(url, "https://gitlab.com/"))
    host = "https://gitlab.com/", gitlab = true;
  else if (am_starts_with(url, "git@github.com:"))
    host = "git@github.com:";
  else if (am_starts_with(url, "git@gitlab.com:"))
    host = "git@gitlab.com:", gitlab = true;
  else
    return NULL;
  web = am_asprintf("%s%s",
                    gitlab ? "https://gitlab.com/" : "https://github.com/",
                    url + strlen(host));
  if (web == NULL)
    return NULL;
  n = strlen(web);
  while (n > 0 && web[n - 1] == '/')
    web[--n] = '\0';
  if (n > 4 && strcmp(web + n - 4, ".git") == 0)
    web[n - 4] = '\0';
  for (const char *c = commit; *c; c++) {
    if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
      goto done;
  }
  if ((enc = encode_path(path)) == NULL)
    goto done;
  if (line > 0)
    link = am_asprintf("%s%s/blob/%s/%s#L%d", web, gitlab ? "/-" : "", commit,
                       enc, line);
  else
    link = am_asprintf("%s%s/blob/%s/%s", web, gitlab ? "/-" : "", commit, enc);

done:
  free(enc);
  free(web);
  return link;
}

char *am_render_platform_page(const char *platform) {
  char *slug = am_report_slug(platform, false);
  char *page = slug ? am_asprintf("platforms/%s.html", slug) : NULL;

  free(slug);
  return page;
}

char *am_render_badge_file(const char *platform) {
  char *slug = am_report_slug(platform, false);
  char *file = slug ? am_asprintf("badges/%s.svg", slug) : NULL;

  free(slug);
  return file;
}

am_tpl_dict *am_render_platform_totals(const am_render *r, am_tpl_dict *d,
                                       size_t c) {
  const am_model *m = r->m;
  const am_totals *t = &m->totals[c];
  am_tpl_dict *p = am_tpl_section(d, "PLATFORM");
  int cov = am_model_coverage(m, c);

  am_tpl_set(p, "PLATFORM", m->columns.v[c]);
  am_tpl_set_int(p, "COVERAGE", cov < 0 ? 0 : cov);
  if (cov < 0)
    am_tpl_set(p, "COVERAGE_TEXT", "n/a");
  else
    am_tpl_setf(p, "COVERAGE_TEXT", "%d%%", cov);
  am_tpl_set_int(p, "T_PUBLISHED", (long)t->targets[AM_CELL_PUBLISHED]);
  am_tpl_set_int(p, "T_DECLARED", (long)t->targets[AM_CELL_DECLARED]);
  am_tpl_set_int(p, "T_PORTABLE", (long)t->targets[AM_CELL_PORTABLE]);
  am_tpl_set_int(p, "T_BLOCKED", (long)t->targets[AM_CELL_BLOCKED]);
  am_tpl_set_int(p, "T_UNKNOWN", (long)t->targets[AM_CELL_UNKNOWN]);
  am_tpl_show_if(p, "IS_PRIORITY", c == m->priority);
  return p;
}

am_tpl_dict *am_render_changes_head(const am_render *r, am_tpl_dict *d) {
  const am_changes *ch = &r->m->changes;
  am_tpl_dict *c = NULL;

  if (!ch->has_previous)
    return NULL;
  c = am_tpl_section(d, "CHANGES");
  am_tpl_set(c, "PREVIOUS_AT", ch->previous_at);
  am_tpl_set_int(c, "N_PUBLISHED", (long)ch->npublished);
  am_tpl_set_int(c, "N_LOST", (long)ch->nlost);
  am_tpl_set_int(c, "N_ADDED", (long)ch->added.len);
  am_tpl_set_int(c, "N_REMOVED", (long)ch->removed.len);
  return c;
}

void am_render_changes(const am_render *r, am_tpl_dict *d) {
  const am_model *m = r->m;
  const am_changes *ch = &m->changes;
  am_tpl_dict *c = am_render_changes_head(r, d);

  if (c != NULL && ch->nlost > 0) {
    am_tpl_dict *any = am_tpl_section(c, "LOST_ANY");

    for (size_t i = 0; i < ch->nlost; i++) {
      am_tpl_dict *l = am_tpl_section(any, "LOST");
      const am_row *row = am_model_find_row(m, ch->lost[i].image);

      am_render_image_name(l, ch->lost[i].image, row ? row->page : NULL, "");
      am_tpl_set(l, "PLATFORM", ch->lost[i].platform);
      am_tpl_set(l, "WAS", ch->lost[i].was);
      am_tpl_set(l, "NOW", ch->lost[i].now);
    }
  }
}

void am_render_uses(am_tpl_dict *d, size_t uses) {
  am_tpl_set_int(d, "USES", (long)uses);
  am_tpl_setf(d, "USES_TEXT", uses == 1 ? "%zu use" : "%zu uses", uses);
  am_tpl_setf(d, "PLACES_TEXT", uses == 1 ? "%zu place" : "%zu places", uses);
}
