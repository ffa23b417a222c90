/* SPDX-License-Identifier: MIT */
/* Image references in YAML: the containers of Kubernetes manifests (any
 * workload kind, any number of documents) and compose services. */
#include "scan/scan_int.h"

#include "util/log.h"
#include "util/strv.h"

#include <yaml.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Aliases make a document a graph that can be exponentially larger than
 * its text; these bound the walk. */
#define YAML_DEPTH_MAX 64
#define YAML_VISITS_MAX 200000
#define YAML_DOCS_MAX 10000
#define YAML_MERGE_DEPTH_MAX 16

typedef struct ywalk {
  am_scan *scan;
  const char *path;
  yaml_document_t *doc;
  size_t visits;
  size_t nrefs;
  bool too_deep; /* some node was past YAML_DEPTH_MAX and not read */
} ywalk;

static bool scalar_is(const yaml_node_t *n, const char *s) {
  return n && n->type == YAML_SCALAR_NODE &&
         n->data.scalar.length == strlen(s) &&
         memcmp(n->data.scalar.value, s, n->data.scalar.length) == 0;
}

/* A merge key: a plain `<<`, or one tagged !!merge. A quoted "<<" is an
 * ordinary key. */
static bool is_merge_key(const yaml_node_t *k) {
  return k && k->type == YAML_SCALAR_NODE &&
         ((k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           scalar_is(k, "<<")) ||
          (k->tag &&
           strcmp((const char *)k->tag, "tag:yaml.org,2002:merge") == 0));
}

/*
 * The value node of `key` in a mapping, and in `*key_node` the key that
 * names it. An explicit key wins; else the mappings merged in by a `<<` key
 * (one mapping, or a list of them, the earlier winning) are searched, and
 * `*key_node` is that `<<` key, so the line is where this mapping takes the
 * value. Merges nest YAML_MERGE_DEPTH_MAX deep at most, and every mapping
 * searched counts as a visit, so a cycle of aliases or a merge bomb stays
 * cheap.
 */
static yaml_node_t *map_find(ywalk *w, yaml_node_t *map, const char *key,
                             yaml_node_t **key_node, int depth) {
  yaml_node_t *merge_key = NULL;
  yaml_node_t *merge = NULL;
  yaml_node_t *found = NULL;

  if (map == NULL || map->type != YAML_MAPPING_NODE)
    return NULL;
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
       p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(w->doc, p->key);

    if (scalar_is(k, key)) {
      if (key_node)
        *key_node = k;
      return yaml_document_get_node(w->doc, p->value);
    }
    if (merge_key == NULL && is_merge_key(k)) {
      merge_key = k;
      merge = yaml_document_get_node(w->doc, p->value);
    }
  }
  if (merge == NULL || depth >= YAML_MERGE_DEPTH_MAX)
    return NULL;
  if (merge->type == YAML_MAPPING_NODE) {
    if (++w->visits <= YAML_VISITS_MAX)
      found = map_find(w, merge, key, NULL, depth + 1);
  } else if (merge->type == YAML_SEQUENCE_NODE) {
    for (yaml_node_item_t *it = merge->data.sequence.items.start;
         it < merge->data.sequence.items.top && found == NULL &&
         ++w->visits <= YAML_VISITS_MAX;
         it++)
      found = map_find(w, yaml_document_get_node(w->doc, *it), key, NULL,
                       depth + 1);
  }
  if (found != NULL && key_node)
    *key_node = merge_key;
  return found;
}

static yaml_node_t *map_get(ywalk *w, yaml_node_t *map, const char *key,
                            yaml_node_t **key_node) {
  return map_find(w, map, key, key_node, 0);
}

/* True for a plain scalar YAML reads as null: empty, `~` or `null`. */
static bool scalar_is_null(const yaml_node_t *n) {
  if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return false;
  return n->data.scalar.length == 0 || scalar_is(n, "~") ||
         scalar_is(n, "null") || scalar_is(n, "Null") || scalar_is(n, "NULL");
}

/* Add one image value; templates, nulls and values that are not text are
 * unresolved, with the reason. */
static int add_value(ywalk *w, yaml_node_t *key, yaml_node_t *val,
                     am_context ctx) {
  char *raw;
  int line = (int)key->start_mark.line + 1;
  int rc = AM_OK;

  if (val == NULL)
    return AM_OK;
  if (w->nrefs >= AM_SCAN_REFS_PER_FILE) {
    /* Say once that the rest is skipped, as the Dockerfile reader does. */
    if (w->nrefs++ == AM_SCAN_REFS_PER_FILE)
      return am_scan_add_unresolved(w->scan, w->path, line, "",
                                    "too many references, the rest skipped");
    return AM_OK;
  }
  w->nrefs++;
  if (val->type == YAML_MAPPING_NODE)
    return am_scan_add_unresolved(w->scan, w->path, line, "",
                                  "image is a mapping, not an image name");
  if (val->type != YAML_SCALAR_NODE)
    return am_scan_add_unresolved(w->scan, w->path, line, "",
                                  "image is a list, not an image name");
  if (scalar_is_null(val))
    return am_scan_add_unresolved(w->scan, w->path, line,
                                  (const char *)val->data.scalar.value,
                                  "image is null, not an image name");
  raw =
      am_strndup((const char *)val->data.scalar.value, val->data.scalar.length);
  if (raw == NULL)
    return AM_ENOMEM;
  if (strlen(raw) != val->data.scalar.length)
    rc = am_scan_add_unresolved(w->scan, w->path, line, "",
                                "image value holds a NUL character");
  else if (strstr(raw, "{{") != NULL)
    rc = am_scan_add_unresolved(w->scan, w->path, line, raw,
                                "template expression, not an image");
  else if (ctx == AM_CTX_COMPOSE && strchr(raw, '$') != NULL) {
    /* Compose interpolates the environment; only defaults are known. */
    am_buf out;
    scan_expand_info info = {0};
    scan_env env = {0};

    am_buf_init(&out, AM_SCAN_WORD_MAX);
    rc = scan_expand(raw, '\\', SCAN_EXPAND_COMPOSE, &env, &out, &info);
    if (rc == AM_OK && info.unset[0] != '\0') {
      char reason[200];

      snprintf(reason, sizeof(reason), "variable %s is not set", info.unset);
      rc = am_scan_add_unresolved(w->scan, w->path, line, raw, reason);
    } else if (rc == AM_OK) {
      rc = scan_add_image(w->scan, out.data, w->path, line, ctx, NULL);
    } else if (rc != AM_ENOMEM) {
      rc =
          am_scan_add_unresolved(w->scan, w->path, line, raw,
                                 info.error[0] ? info.error : "value too long");
    }
    am_buf_free(&out);
  } else {
    rc = scan_add_image(w->scan, raw, w->path, line, ctx, NULL);
  }
  free(raw);
  return rc;
}

/* Each item of a containers list: its image. */
static int add_containers(ywalk *w, yaml_node_t *seq) {
  int rc = AM_OK;

  if (seq == NULL || seq->type != YAML_SEQUENCE_NODE)
    return AM_OK;
  for (yaml_node_item_t *it = seq->data.sequence.items.start;
       it < seq->data.sequence.items.top && rc == AM_OK; it++) {
    yaml_node_t *c = yaml_document_get_node(w->doc, *it);
    yaml_node_t *key = NULL;
    yaml_node_t *val = map_get(w, c, "image", &key);

    if (val != NULL)
      rc = add_value(w, key, val, AM_CTX_YAML);
  }
  return rc;
}

/* Find containers, initContainers and ephemeralContainers at any depth,
 * so every workload kind (and List items, CronJob templates) is covered. */
static int walk_manifest(ywalk *w, yaml_node_t *n, int depth) {
  int rc = AM_OK;

  if (n != NULL && depth > YAML_DEPTH_MAX)
    w->too_deep = true;
  if (n == NULL || depth > YAML_DEPTH_MAX || ++w->visits > YAML_VISITS_MAX)
    return AM_OK;
  if (n->type == YAML_SEQUENCE_NODE) {
    for (yaml_node_item_t *it = n->data.sequence.items.start;
         it < n->data.sequence.items.top && rc == AM_OK; it++)
      rc = walk_manifest(w, yaml_document_get_node(w->doc, *it), depth + 1);
    return rc;
  }
  if (n->type != YAML_MAPPING_NODE)
    return AM_OK;
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
       p < n->data.mapping.pairs.top && rc == AM_OK; p++) {
    yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
    yaml_node_t *v = yaml_document_get_node(w->doc, p->value);

    if (scalar_is(k, "containers") || scalar_is(k, "initContainers") ||
        scalar_is(k, "ephemeralContainers"))
      rc = add_containers(w, v);
    else
      rc = walk_manifest(w, v, depth + 1);
  }
  return rc;
}

static int walk_compose(ywalk *w, yaml_node_t *services) {
  int rc = AM_OK;

  if (services == NULL || services->type != YAML_MAPPING_NODE)
    return AM_OK;
  for (yaml_node_pair_t *p = services->data.mapping.pairs.start;
       p < services->data.mapping.pairs.top && rc == AM_OK; p++) {
    yaml_node_t *svc = yaml_document_get_node(w->doc, p->value);
    yaml_node_t *key = NULL;
    yaml_node_t *val = map_get(w, svc, "image", &key);

    if (val != NULL)
      rc = add_value(w, key, val, AM_CTX_COMPOSE);
  }
  return rc;
}

/* A file that is not valid YAML, often because it is a template: report
 * its templated image lines, and say it could not be read when it seems
 * to name images at all. */
static int scan_broken(am_scan *scan, const char *path, const char *text,
                       const yaml_parser_t *parser) {
  const char *p = text;
  int lineno = 0;
  bool any = false;
  int rc = AM_OK;

  while (*p && rc == AM_OK) {
    const char *eol = strchr(p, '\n');
    size_t n = eol ? (size_t)(eol - p) : strlen(p);
    const char *s = p;
    const char *end = p + n;

    lineno++;
    p = eol ? eol + 1 : end;
    while (s < end && (*s == ' ' || *s == '\t' || *s == '-'))
      s++;
    if ((size_t)(end - s) < 6 || memcmp(s, "image:", 6) != 0)
      continue;
    s += 6;
    while (s < end && (*s == ' ' || *s == '\t'))
      s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
      end--;
    if (memmem(s, (size_t)(end - s), "{{", 2) == NULL)
      continue;
    if (end - s >= 2 && (*s == '"' || *s == '\'') && end[-1] == *s) {
      s++;
      end--;
    }
    {
      char *raw = am_strndup(s, (size_t)(end - s));

      if (raw == NULL)
        return AM_ENOMEM;
      rc = am_scan_add_unresolved(scan, path, lineno, raw,
                                  "template expression, not an image");
      free(raw);
      any = true;
    }
  }
  if (rc == AM_OK && !any && strstr(text, "image:") != NULL) {
    char reason[256];
    int line = (int)parser->problem_mark.line + 1;

    /* The reader (a bad byte, a control character) gives an offset, not a
     * mark: count the lines up to it. */
    if (parser->error == YAML_READER_ERROR) {
      size_t end = strlen(text);

      if (parser->problem_offset < end)
        end = parser->problem_offset;
      line = 1;
      for (size_t i = 0; i < end; i++)
        line += text[i] == '\n';
    }
    snprintf(reason, sizeof(reason), "not valid YAML: %s",
             parser->problem ? parser->problem : "parse error");
    rc = am_scan_add_unresolved(scan, path, line, "", reason);
  }
  return rc;
}

int scan_yaml(am_scan *scan, const char *path, const char *text, size_t len) {
  yaml_parser_t parser;
  ywalk w = {0};
  int rc = AM_OK;

  /* Most YAML in a repository names no image; skip the parse. */
  if (memmem(text, len, "image", 5) == NULL)
    return AM_OK;
  if (!yaml_parser_initialize(&parser))
    return AM_ENOMEM;
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  w.scan = scan;
  w.path = path;
  for (size_t docs = 0; docs < YAML_DOCS_MAX && rc == AM_OK; docs++) {
    yaml_document_t doc;
    yaml_node_t *root;

    if (!yaml_parser_load(&parser, &doc)) {
      rc = scan_broken(scan, path, text, &parser);
      break;
    }
    root = yaml_document_get_root_node(&doc);
    if (root == NULL) {
      yaml_document_delete(&doc);
      break;
    }
    w.doc = &doc;
    w.visits = 0;
    if (root->type == YAML_MAPPING_NODE) {
      yaml_node_t *services = map_get(&w, root, "services", NULL);

      if (map_get(&w, root, "kind", NULL) != NULL ||
          map_get(&w, root, "apiVersion", NULL) != NULL)
        rc = walk_manifest(&w, root, 0);
      else if (services != NULL)
        rc = walk_compose(&w, services);
    }
    yaml_document_delete(&doc);
  }
  yaml_parser_delete(&parser);
  if (rc == AM_OK && w.too_deep) {
    char reason[96];

    snprintf(reason, sizeof(reason),
             "YAML nested more than %d deep; the deeper part is not read",
             YAML_DEPTH_MAX);
    rc = am_scan_add_unresolved(scan, path, 0, "", reason);
  }
  return rc;
}
