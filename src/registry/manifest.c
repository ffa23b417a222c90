/* SPDX-License-Identifier: MIT */
/* Manifest bodies: kind, index entries, config platform. */
#include "registry/manifest.h"

#include "registry/digest.h"
#include "util/strv.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The annotation buildx puts on attestation manifests in an index. */
#define ANNOTATION_REFERENCE_TYPE "vnd.docker.reference.type"
/* A JWS protected header is a few hundred bytes; bound what is decoded. */
#define PROTECTED_HEADER_MAX 8192
#define SIGNATURES_MAX 16

static const struct {
  const char *name;
  am_manifest_kind kind;
} known_types[] = {
    {AM_MT_OCI_INDEX, AM_MANIFEST_OCI_INDEX},
    {AM_MT_DOCKER_LIST, AM_MANIFEST_DOCKER_LIST},
    {AM_MT_OCI_MANIFEST, AM_MANIFEST_OCI},
    {AM_MT_DOCKER_V2, AM_MANIFEST_DOCKER_V2},
    {AM_MT_SCHEMA1_SIGNED, AM_MANIFEST_SCHEMA1},
    {AM_MT_SCHEMA1, AM_MANIFEST_SCHEMA1},
};

/* Copy the bare type of a header value ("a/b; charset=x" → "a/b"). */
static void bare_type(char *out, size_t size, const char *value) {
  size_t n = 0;

  out[0] = '\0';
  if (value == NULL)
    return;
  while (*value == ' ' || *value == '\t')
    value++;
  while (value[n] && value[n] != ';' && value[n] != ' ' && value[n] != '\t')
    n++;
  if (n >= size)
    n = size - 1;
  memcpy(out, value, n);
  out[n] = '\0';
}

am_manifest_kind am_manifest_kind_of(const char *media_type) {
  char bare[128];

  bare_type(bare, sizeof(bare), media_type);
  for (size_t i = 0; i < sizeof(known_types) / sizeof(known_types[0]); i++) {
    if (strcasecmp(bare, known_types[i].name) == 0)
      return known_types[i].kind;
  }
  return AM_MANIFEST_UNKNOWN;
}

bool am_manifest_is_index(am_manifest_kind kind) {
  return kind == AM_MANIFEST_OCI_INDEX || kind == AM_MANIFEST_DOCKER_LIST;
}

static const char *canonical_name(am_manifest_kind kind) {
  switch (kind) {
  case AM_MANIFEST_OCI_INDEX:
    return AM_MT_OCI_INDEX;
  case AM_MANIFEST_DOCKER_LIST:
    return AM_MT_DOCKER_LIST;
  case AM_MANIFEST_OCI:
    return AM_MT_OCI_MANIFEST;
  case AM_MANIFEST_DOCKER_V2:
    return AM_MT_DOCKER_V2;
  case AM_MANIFEST_SCHEMA1:
    return AM_MT_SCHEMA1_SIGNED;
  default:
    return NULL;
  }
}

/* A Content-Type that says nothing about which manifest this is: some
 * registries and caches serve every manifest as plain JSON. */
static bool is_generic_type(const char *bare) {
  return bare[0] == '\0' || strcasecmp(bare, "application/json") == 0 ||
         strcasecmp(bare, "application/octet-stream") == 0 ||
         strcasecmp(bare, "text/plain") == 0;
}

/* Guess the kind of a body served with a generic Content-Type and no
 * mediaType of its own, from the fields each kind requires. */
static am_manifest_kind kind_from_shape(json_t *root) {
  json_int_t version =
      json_integer_value(json_object_get(root, "schemaVersion"));

  if (version == 1)
    return AM_MANIFEST_SCHEMA1;
  if (version != 2)
    return AM_MANIFEST_UNKNOWN;
  if (json_is_array(json_object_get(root, "manifests")))
    return AM_MANIFEST_OCI_INDEX;
  if (json_is_object(json_object_get(root, "config")))
    return AM_MANIFEST_OCI;
  return AM_MANIFEST_UNKNOWN;
}

/* The schema1 type a body is: the one its own mediaType or Content-Type
 * names, or, served generically, signed when it carries signatures. */
static const char *schema1_name(const char *body_type, const char *header,
                                json_t *root) {
  const char *named = body_type ? body_type : header;
  char bare[128];

  bare_type(bare, sizeof(bare), named);
  if (strcasecmp(bare, AM_MT_SCHEMA1) == 0)
    return AM_MT_SCHEMA1;
  if (strcasecmp(bare, AM_MT_SCHEMA1_SIGNED) == 0)
    return AM_MT_SCHEMA1_SIGNED;
  return json_is_array(json_object_get(root, "signatures"))
             ? AM_MT_SCHEMA1_SIGNED
             : AM_MT_SCHEMA1;
}

/* Decide the kind from the body's mediaType and the Content-Type. */
static int decide_kind(am_manifest_kind *out, json_t *root,
                       const char *content_type, am_err *err) {
  char header[128];
  json_t *mt = json_object_get(root, "mediaType");
  const char *body_type = json_is_string(mt) ? json_string_value(mt) : NULL;
  am_manifest_kind kind = AM_MANIFEST_UNKNOWN;

  bare_type(header, sizeof(header), content_type);
  if (mt != NULL && !json_is_string(mt))
    return am_err_set(err, AM_EINVALID, "manifest mediaType is not a string");
  if (body_type != NULL && !is_generic_type(header) &&
      am_manifest_kind_of(body_type) != am_manifest_kind_of(header))
    return am_err_set(err, AM_EINVALID,
                      "media type mismatch: served as %.100s, body says "
                      "%.100s",
                      header, body_type);
  if (body_type != NULL)
    kind = am_manifest_kind_of(body_type);
  else if (!is_generic_type(header))
    kind = am_manifest_kind_of(header);
  else
    kind = kind_from_shape(root);
  if (kind == AM_MANIFEST_UNKNOWN)
    return am_err_set(err, AM_EINVALID,
                      "unsupported manifest media type %.100s",
                      body_type   ? body_type
                      : header[0] ? header
                                  : "(none)");
  *out = kind;
  return AM_OK;
}

static const char *string_field(json_t *obj, const char *key) {
  json_t *v = json_object_get(obj, key);

  return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An attestation or other non-platform entry: annotated by buildx, or
 * carrying the placeholder platform unknown/unknown. */
static bool is_attestation(json_t *entry, json_t *platform) {
  json_t *annotations = json_object_get(entry, "annotations");
  const char *os = string_field(platform, "os");
  const char *arch = string_field(platform, "architecture");

  if (json_is_object(annotations) &&
      json_object_get(annotations, ANNOTATION_REFERENCE_TYPE) != NULL)
    return true;
  return os && arch && strcmp(os, "unknown") == 0 &&
         strcmp(arch, "unknown") == 0;
}

/* Fill one entry from its descriptor; returns 1 when it is skipped. */
static int parse_entry(am_manifest_entry *out, json_t *entry, am_err *err) {
  json_t *platform = json_object_get(entry, "platform");
  const char *digest = string_field(entry, "digest");
  const char *media_type = string_field(entry, "mediaType");
  const char *os = NULL;
  const char *arch = NULL;
  const char *variant = NULL;
  int rc = AM_OK;

  if (!json_is_object(entry) || !am_digest_valid(digest))
    return am_err_set(err, AM_EINVALID, "index entry without a valid digest");
  if (is_attestation(entry, platform))
    return 1;
  /* A nested index names no single platform; only image manifests count. */
  if (media_type != NULL &&
      am_manifest_is_index(am_manifest_kind_of(media_type)))
    return 1;
  out->digest = am_strdup(digest);
  out->media_type = am_strdup(media_type);
  if (out->digest == NULL || (media_type && out->media_type == NULL))
    return am_err_set(err, AM_ENOMEM, "out of memory");
  os = string_field(platform, "os");
  arch = string_field(platform, "architecture");
  variant = string_field(platform, "variant");
  if (arch == NULL || arch[0] == '\0') {
    out->needs_config = true;
    return AM_OK;
  }
  rc = am_platform_from_fields(&out->platform, os, arch, variant,
                               string_field(platform, "os.version"), err);
  if (rc != AM_OK)
    return rc;
  /* Normalising "arm" alone says v7, but the child may well be v6 or v5:
   * only its config knows, so ask it rather than guess. */
  if (strcmp(out->platform.arch, "arm") == 0 &&
      (variant == NULL || variant[0] == '\0'))
    out->needs_config = true;
  return AM_OK;
}

static int parse_index(am_manifest *m, json_t *root, am_err *err) {
  json_t *list = json_object_get(root, "manifests");
  size_t n = json_array_size(list);
  int rc = AM_OK;

  if (!json_is_array(list))
    return am_err_set(err, AM_EINVALID, "index without a manifests array");
  if (n > AM_MANIFEST_MAX_ENTRIES)
    return am_err_set(err, AM_ETOOBIG,
                      "index names %zu manifests, over the limit of %d", n,
                      AM_MANIFEST_MAX_ENTRIES);
  if (n > 0) {
    m->entries = calloc(n, sizeof(*m->entries));
    if (m->entries == NULL)
      return am_err_set(err, AM_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    am_manifest_entry *e = &m->entries[m->nentries];

    rc = parse_entry(e, json_array_get(list, i), err);
    if (rc == 1) {
      m->nskipped++;
      continue;
    }
    m->nentries++;
    if (rc != AM_OK)
      return rc;
  }
  return AM_OK;
}

static int parse_single(am_manifest *m, json_t *root, am_err *err) {
  json_t *config = json_object_get(root, "config");
  const char *digest = string_field(config, "digest");
  const char *media_type = string_field(config, "mediaType");

  if (!json_is_object(config) || !am_digest_valid(digest))
    return am_err_set(err, AM_EINVALID,
                      "manifest without a valid config digest");
  /* Artifacts (Helm charts, signatures) use manifests too; their config is
   * not an image config and names no platform. */
  if (media_type != NULL && strcmp(media_type, AM_MT_OCI_CONFIG) != 0 &&
      strcmp(media_type, AM_MT_DOCKER_CONFIG) != 0)
    return am_err_set(err, AM_EINVALID,
                      "not a container image (config media type %.100s)",
                      media_type);
  m->config_digest = am_strdup(digest);
  if (m->config_digest == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  return AM_OK;
}

static int parse_schema1(am_manifest *m, json_t *root, am_err *err) {
  const char *arch = string_field(root, "architecture");

  if (arch == NULL || arch[0] == '\0')
    return am_err_set(err, AM_EINVALID,
                      "schema1 manifest without an "
                      "architecture");
  /* Schema 1 predates Windows images and variants: it is always Linux. */
  return am_platform_from_fields(&m->platform, "linux", arch, NULL, NULL, err);
}

int am_manifest_parse(am_manifest *out, const char *body, size_t len,
                      const char *content_type, am_err *err) {
  json_error_t jerr;
  json_t *root = NULL;
  am_manifest_kind kind = AM_MANIFEST_UNKNOWN;
  int rc = AM_OK;

  memset(out, 0, sizeof(*out));
  if (len > AM_MANIFEST_MAX_BYTES)
    return am_err_set(err, AM_ETOOBIG, "manifest over %u bytes",
                      AM_MANIFEST_MAX_BYTES);
  root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!json_is_object(root)) {
    rc = am_err_set(err, AM_EINVALID, "manifest is not a JSON object: %s",
                    root ? "wrong type" : jerr.text);
    goto done;
  }
  rc = decide_kind(&kind, root, content_type, err);
  if (rc != AM_OK)
    goto done;
  out->kind = kind;
  out->media_type = canonical_name(kind);
  if (kind == AM_MANIFEST_SCHEMA1) {
    json_t *mt = json_object_get(root, "mediaType");

    out->media_type = schema1_name(json_string_value(mt), content_type, root);
  }
  if (am_manifest_is_index(kind))
    rc = parse_index(out, root, err);
  else if (kind == AM_MANIFEST_SCHEMA1)
    rc = parse_schema1(out, root, err);
  else
    rc = parse_single(out, root, err);

done:
  json_decref(root);
  if (rc != AM_OK)
    am_manifest_free(out);
  return rc;
}

void am_manifest_free(am_manifest *m) {
  if (m == NULL)
    return;
  for (size_t i = 0; i < m->nentries; i++) {
    free(m->entries[i].digest);
    free(m->entries[i].media_type);
  }
  free(m->entries);
  free(m->config_digest);
  memset(m, 0, sizeof(*m));
}

int am_manifest_parse_config(am_platform *out, const char *body, size_t len,
                             am_err *err) {
  json_error_t jerr;
  json_t *root = NULL;
  const char *arch = NULL;
  int rc = AM_OK;

  memset(out, 0, sizeof(*out));
  root = json_loadb(body, len, 0, &jerr);
  if (!json_is_object(root)) {
    rc = am_err_set(err, AM_EINVALID, "config is not a JSON object: %s",
                    root ? "wrong type" : jerr.text);
    goto done;
  }
  arch = string_field(root, "architecture");
  if (arch == NULL || arch[0] == '\0') {
    rc = am_err_set(err, AM_EINVALID, "config names no architecture");
    goto done;
  }
  rc = am_platform_from_fields(out, string_field(root, "os"), arch,
                               string_field(root, "variant"),
                               string_field(root, "os.version"), err);

done:
  json_decref(root);
  return rc;
}

/* Decode base64url without padding (RFC 7515) into a new NUL-terminated
 * buffer. Returns NULL on bad input or when memory runs out. */
static unsigned char *base64url_decode(const char *text, size_t *out_len) {
  size_t n = strlen(text);
  size_t padded = (n + 3) / 4 * 4;
  char *std = NULL;
  unsigned char *out = NULL;
  int decoded = 0;

  if (n % 4 == 1 || padded > PROTECTED_HEADER_MAX * 2)
    return NULL;
  std = malloc(padded + 1);
  out = malloc(padded / 4 * 3 + 1);
  if (std == NULL || out == NULL)
    goto fail;
  for (size_t i = 0; i < n; i++) {
    char c = text[i];

    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (c == '+' || c == '/' || c == '=')
      goto fail; /* not base64url */
    std[i] = c;
  }
  memset(std + n, '=', padded - n);
  std[padded] = '\0';
  decoded = EVP_DecodeBlock(out, (const unsigned char *)std, (int)padded);
  if (decoded < 0)
    goto fail;
  /* EVP_DecodeBlock counts the padding as zero bytes. */
  *out_len = (size_t)decoded - (padded - n);
  out[*out_len] = '\0';
  free(std);
  return out;

fail:
  free(std);
  free(out);
  return NULL;
}

/* Read formatLength and the decoded formatTail of one signature. */
static int read_format(json_t *signature, size_t body_len, json_int_t *length,
                       unsigned char **tail, size_t *tail_len, am_err *err) {
  const char *protected = string_field(signature, "protected");
  unsigned char *header = NULL;
  size_t header_len = 0;
  json_t *root = NULL;
  json_t *fl = NULL;
  const char *ft = NULL;
  int rc = AM_OK;

  if (protected == NULL ||
      (header = base64url_decode(protected, &header_len)) == NULL) {
    rc = am_err_set(err, AM_EINVALID,
                    "schema1 signature without a readable protected header");
    goto done;
  }
  root = json_loadb((const char *)header, header_len, 0, NULL);
  fl = json_object_get(root, "formatLength");
  ft = string_field(root, "formatTail");
  if (!json_is_integer(fl) || ft == NULL) {
    rc = am_err_set(err, AM_EINVALID,
                    "schema1 protected header without formatLength and "
                    "formatTail");
    goto done;
  }
  *length = json_integer_value(fl);
  *tail = base64url_decode(ft, tail_len);
  if (*length < 0 || (size_t)*length > body_len || *tail == NULL)
    rc = am_err_set(err, AM_EINVALID,
                    "schema1 protected header with a bad formatLength or "
                    "formatTail");

done:
  json_decref(root);
  free(header);
  return rc;
}

int am_manifest_schema1_payload(char **payload, size_t *payload_len,
                                const char *body, size_t len,
                                const char *content_type, am_err *err) {
  char header[128];
  json_t *root = NULL;
  json_t *signatures = NULL;
  json_int_t length = -1;
  unsigned char *tail = NULL;
  size_t tail_len = 0;
  int rc = AM_OK;

  *payload = NULL;
  *payload_len = 0;
  bare_type(header, sizeof(header), content_type);
  if (strcasecmp(header, AM_MT_SCHEMA1_SIGNED) != 0 && !is_generic_type(header))
    return AM_ENOTFOUND;
  root = json_loadb(body, len, 0, NULL);
  signatures = json_object_get(root, "signatures");
  if (strcasecmp(header, AM_MT_SCHEMA1_SIGNED) != 0 &&
      (json_integer_value(json_object_get(root, "schemaVersion")) != 1 ||
       !json_is_array(signatures))) {
    rc = AM_ENOTFOUND;
    goto done;
  }
  if (json_array_size(signatures) == 0 ||
      json_array_size(signatures) > SIGNATURES_MAX) {
    rc = am_err_set(err, AM_EINVALID,
                    "signed schema1 manifest without a usable signatures "
                    "block");
    goto done;
  }
  /* Every signature must describe the same payload, as libtrust checks. */
  for (size_t i = 0; i < json_array_size(signatures); i++) {
    json_int_t l = 0;
    unsigned char *t = NULL;
    size_t tl = 0;

    rc = read_format(json_array_get(signatures, i), len, &l, &t, &tl, err);
    if (rc == AM_OK && tail != NULL &&
        (l != length || tl != tail_len || memcmp(t, tail, tl) != 0))
      rc = am_err_set(err, AM_EINVALID,
                      "schema1 signatures disagree about the payload");
    if (tail == NULL) {
      tail = t;
      tail_len = tl;
      length = l;
    } else {
      free(t);
    }
    if (rc != AM_OK)
      goto done;
  }
  *payload = malloc((size_t)length + tail_len + 1);
  if (*payload == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  memcpy(*payload, body, (size_t)length);
  memcpy(*payload + length, tail, tail_len);
  *payload_len = (size_t)length + tail_len;
  (*payload)[*payload_len] = '\0';

done:
  free(tail);
  json_decref(root);
  return rc;
}
