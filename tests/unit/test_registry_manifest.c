/* SPDX-License-Identifier: MIT */
/* Manifest parsing for every kind: OCI index and Docker list (with
 * attestations, Windows, variants), OCI and Docker v2 manifests, schema1,
 * config blobs, and the media type checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "registry/digest.h"
#include "registry/manifest.h"

#include <stdlib.h>
#include <string.h>

#define D1                                                                     \
  "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2                                                                     \
  "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3                                                                     \
  "sha256:3333333333333333333333333333333333333333333333333333333333333333"
#define D4                                                                     \
  "sha256:4444444444444444444444444444444444444444444444444444444444444444"

static const char oci_index[] =
    "{\"schemaVersion\":2,\"mediaType\":\"" AM_MT_OCI_INDEX "\","
    "\"manifests\":["
    "{\"mediaType\":\"" AM_MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\","
    "\"size\":1,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
    "{\"mediaType\":\"" AM_MT_OCI_MANIFEST "\",\"digest\":\"" D2 "\","
    "\"size\":1,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\","
    "\"variant\":\"v8\"}},"
    "{\"mediaType\":\"" AM_MT_OCI_MANIFEST "\",\"digest\":\"" D3 "\","
    "\"size\":1,\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"},"
    "\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\","
    "\"vnd.docker.reference.digest\":\"" D1 "\"}},"
    "{\"mediaType\":\"" AM_MT_OCI_MANIFEST "\",\"digest\":\"" D4 "\","
    "\"size\":1,\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\"}}"
    "]}";

static const char docker_list[] =
    "{\"schemaVersion\":2,\"mediaType\":\"" AM_MT_DOCKER_LIST "\","
    "\"manifests\":["
    "{\"mediaType\":\"" AM_MT_DOCKER_V2 "\",\"digest\":\"" D1 "\","
    "\"size\":1,\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\","
    "\"variant\":\"v6\"}},"
    "{\"mediaType\":\"" AM_MT_DOCKER_V2 "\",\"digest\":\"" D2 "\","
    "\"size\":1,\"platform\":{\"architecture\":\"amd64\",\"os\":\"windows\","
    "\"os.version\":\"10.0.20348.2227\"}},"
    "{\"mediaType\":\"" AM_MT_DOCKER_V2 "\",\"digest\":\"" D3 "\","
    "\"size\":1,\"platform\":{\"architecture\":\"x86_64\",\"os\":\"linux\"}},"
    "{\"mediaType\":\"" AM_MT_DOCKER_V2 "\",\"digest\":\"" D4 "\","
    "\"size\":1,\"platform\":{\"architecture\":\"i386\",\"os\":\"linux\"}}"
    "]}";

static const char oci_manifest[] =
    "{\"schemaVersion\":2,\"mediaType\":\"" AM_MT_OCI_MANIFEST "\","
    "\"config\":{\"mediaType\":\"" AM_MT_OCI_CONFIG "\",\"digest\":\"" D1
    "\",\"size\":2},\"layers\":[]}";

static const char docker_v2[] =
    "{\"schemaVersion\":2,\"mediaType\":\"" AM_MT_DOCKER_V2 "\","
    "\"config\":{\"mediaType\":\"" AM_MT_DOCKER_CONFIG "\",\"digest\":\"" D2
    "\",\"size\":2},\"layers\":[]}";

static const char schema1[] =
    "{\"schemaVersion\":1,\"name\":\"library/x\",\"tag\":\"1\","
    "\"architecture\":\"aarch64\",\"fsLayers\":[],\"history\":[],"
    "\"signatures\":[]}";

/* A signed schema1 manifest laid out as libtrust writes it: the payload
 * up to its closing "\n}" (formatLength 127), the signatures, then the
 * tail again ("Cn0" is base64url of "\n}"). Its digest is the payload's. */
#define SIGNED_PAYLOAD                                                         \
  "{\n   \"schemaVersion\": 1,\n   \"name\": \"library/x\",\n   \"tag\": "     \
  "\"1\",\n   \"architecture\": \"amd64\",\n   \"fsLayers\": [],\n   "         \
  "\"history\": []\n}"
#define SIGNED_PROTECTED                                                       \
  "eyJmb3JtYXRMZW5ndGgiOjEyNywiZm9ybWF0VGFpbCI6IkNuMCIsInRpbWUiOiIyMDE2LTAx"   \
  "LTAxVDAwOjAwOjAwWiJ9"
#define SIGNED_DIGEST                                                          \
  "sha256:ed5293a228c30b5893028f49a5b0d3c9d1515d04fec12ef27ef45a6b4570d606"

static const char schema1_signed[] =
    "{\n   \"schemaVersion\": 1,\n   \"name\": \"library/x\",\n   \"tag\": "
    "\"1\",\n   \"architecture\": \"amd64\",\n   \"fsLayers\": [],\n   "
    "\"history\": [],\n   \"signatures\": [\n      {\n         \"header\": "
    "{\"alg\": \"ES256\"},\n         \"signature\": \"c2ln\",\n         "
    "\"protected\": \"" SIGNED_PROTECTED "\"\n      }\n   ]\n}";

static void format(const am_platform *p, char *out, size_t size) {
  am_platform_format(p, false, out, size);
}

static void test_oci_index(void **state) {
  am_manifest m;
  am_err err;
  char text[AM_PLATFORM_STR_MAX];

  (void)state;
  assert_int_equal(am_manifest_parse(&m, oci_index, strlen(oci_index),
                                     AM_MT_OCI_INDEX, &err),
                   AM_OK);
  assert_int_equal(m.kind, AM_MANIFEST_OCI_INDEX);
  assert_string_equal(m.media_type, AM_MT_OCI_INDEX);
  assert_int_equal(m.nentries, 3);
  assert_int_equal(m.nskipped, 1);
  format(&m.entries[0].platform, text, sizeof(text));
  assert_string_equal(text, "linux/amd64");
  assert_string_equal(m.entries[0].digest, D1);
  assert_false(m.entries[0].needs_config);
  format(&m.entries[1].platform, text, sizeof(text));
  assert_string_equal(text, "linux/arm64");
  /* arm without a variant: only the child's config can tell v6 from v7 */
  assert_string_equal(m.entries[2].digest, D4);
  assert_true(m.entries[2].needs_config);
  am_manifest_free(&m);
}

static void test_docker_list(void **state) {
  am_manifest m;
  am_err err;
  char text[AM_PLATFORM_STR_MAX];

  (void)state;
  assert_int_equal(am_manifest_parse(&m, docker_list, strlen(docker_list),
                                     AM_MT_DOCKER_LIST, &err),
                   AM_OK);
  assert_int_equal(m.kind, AM_MANIFEST_DOCKER_LIST);
  assert_int_equal(m.nentries, 4);
  format(&m.entries[0].platform, text, sizeof(text));
  assert_string_equal(text, "linux/arm/v6");
  format(&m.entries[1].platform, text, sizeof(text));
  assert_string_equal(text, "windows/amd64");
  assert_string_equal(m.entries[1].platform.os_version, "10.0.20348.2227");
  format(&m.entries[2].platform, text, sizeof(text));
  assert_string_equal(text, "linux/amd64");
  format(&m.entries[3].platform, text, sizeof(text));
  assert_string_equal(text, "linux/386");
  for (size_t i = 0; i < m.nentries; i++)
    assert_false(m.entries[i].needs_config);
  am_manifest_free(&m);
}

static void test_single_manifests(void **state) {
  am_manifest m;
  am_err err;

  (void)state;
  assert_int_equal(am_manifest_parse(&m, oci_manifest, strlen(oci_manifest),
                                     AM_MT_OCI_MANIFEST "; charset=utf-8",
                                     &err),
                   AM_OK);
  assert_int_equal(m.kind, AM_MANIFEST_OCI);
  assert_string_equal(m.config_digest, D1);
  am_manifest_free(&m);
  assert_int_equal(am_manifest_parse(&m, docker_v2, strlen(docker_v2),
                                     AM_MT_DOCKER_V2, &err),
                   AM_OK);
  assert_int_equal(m.kind, AM_MANIFEST_DOCKER_V2);
  assert_string_equal(m.config_digest, D2);
  am_manifest_free(&m);
}

static void test_schema1(void **state) {
  am_manifest m;
  am_err err;
  char text[AM_PLATFORM_STR_MAX];

  (void)state;
  assert_int_equal(am_manifest_parse(&m, schema1, strlen(schema1),
                                     AM_MT_SCHEMA1_SIGNED, &err),
                   AM_OK);
  assert_int_equal(m.kind, AM_MANIFEST_SCHEMA1);
  format(&m.platform, text, sizeof(text));
  assert_string_equal(text, "linux/arm64");
  am_manifest_free(&m);
  /* Old registries serve schema1 as plain JSON. */
  assert_int_equal(
      am_manifest_parse(&m, schema1, strlen(schema1), "application/json", &err),
      AM_OK);
  assert_int_equal(m.kind, AM_MANIFEST_SCHEMA1);
  am_manifest_free(&m);
}

static void test_schema1_signed_payload(void **state) {
  char *payload = NULL;
  size_t len = 0;
  char digest[AM_DIGEST_MAX];
  am_manifest m;
  am_err err;
  char *bad = NULL;
  const char *sig = NULL;

  (void)state;
  assert_int_equal(am_manifest_schema1_payload(&payload, &len, schema1_signed,
                                               strlen(schema1_signed),
                                               AM_MT_SCHEMA1_SIGNED, &err),
                   AM_OK);
  assert_int_equal(len, strlen(SIGNED_PAYLOAD));
  assert_memory_equal(payload, SIGNED_PAYLOAD, len);
  assert_int_equal(am_digest_sha256(digest, payload, len), AM_OK);
  assert_string_equal(digest, SIGNED_DIGEST);
  /* The payload still parses, and says which type it was served as. */
  assert_int_equal(
      am_manifest_parse(&m, payload, len, AM_MT_SCHEMA1_SIGNED, &err), AM_OK);
  assert_string_equal(m.media_type, AM_MT_SCHEMA1_SIGNED);
  am_manifest_free(&m);
  free(payload);

  /* Served as plain JSON, the signatures tell. */
  assert_int_equal(am_manifest_schema1_payload(&payload, &len, schema1_signed,
                                               strlen(schema1_signed),
                                               "application/json", &err),
                   AM_OK);
  free(payload);
  /* Unsigned schema1 and other kinds have no payload of their own. */
  assert_int_equal(am_manifest_schema1_payload(&payload, &len, schema1_signed,
                                               strlen(schema1_signed),
                                               AM_MT_SCHEMA1, &err),
                   AM_ENOTFOUND);
  assert_int_equal(am_manifest_schema1_payload(&payload, &len, docker_v2,
                                               strlen(docker_v2),
                                               "application/json", &err),
                   AM_ENOTFOUND);
  assert_int_equal(am_manifest_schema1_payload(&payload, &len, docker_v2,
                                               strlen(docker_v2),
                                               AM_MT_DOCKER_V2, &err),
                   AM_ENOTFOUND);
  assert_null(payload);
  /* Served as signed without a usable signature block. */
  assert_int_equal(am_manifest_schema1_payload(&payload, &len, schema1,
                                               strlen(schema1),
                                               AM_MT_SCHEMA1_SIGNED, &err),
                   AM_EINVALID);
  /* A formatLength past the body is refused, not read. */
  bad = strdup(schema1_signed);
  assert_non_null(bad);
  sig = strstr(bad, "eyJmb3JtYXRMZW5ndGgiOjEy");
  assert_non_null(sig);
  /* "OjEy" → "Ojk5": formatLength 127 becomes 997. */
  memcpy(strstr(bad, "OjEy"), "Ojk5", 4);
  assert_int_equal(am_manifest_schema1_payload(&payload, &len, bad, strlen(bad),
                                               AM_MT_SCHEMA1_SIGNED, &err),
                   AM_EINVALID);
  assert_null(payload);
  free(bad);
}

static void test_schema1_media_type_as_served(void **state) {
  am_manifest m;
  am_err err;

  (void)state;
  assert_int_equal(
      am_manifest_parse(&m, schema1, strlen(schema1), AM_MT_SCHEMA1, &err),
      AM_OK);
  assert_string_equal(m.media_type, AM_MT_SCHEMA1);
  am_manifest_free(&m);
  assert_int_equal(am_manifest_parse(&m, schema1, strlen(schema1),
                                     AM_MT_SCHEMA1_SIGNED, &err),
                   AM_OK);
  assert_string_equal(m.media_type, AM_MT_SCHEMA1_SIGNED);
  am_manifest_free(&m);
  /* Generic type: signed exactly when it carries signatures. */
  assert_int_equal(
      am_manifest_parse(&m, schema1, strlen(schema1), "application/json", &err),
      AM_OK);
  assert_string_equal(m.media_type, AM_MT_SCHEMA1_SIGNED);
  am_manifest_free(&m);
  assert_int_equal(
      am_manifest_parse(&m, SIGNED_PAYLOAD, strlen(SIGNED_PAYLOAD), NULL, &err),
      AM_OK);
  assert_string_equal(m.media_type, AM_MT_SCHEMA1);
  am_manifest_free(&m);
}

static void test_type_from_body_or_header(void **state) {
  am_manifest m;
  am_err err;
  const char *no_type =
      "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\"},\"layers\":[]}";

  (void)state;
  /* No Content-Type: the body's mediaType decides. */
  assert_int_equal(
      am_manifest_parse(&m, docker_v2, strlen(docker_v2), NULL, &err), AM_OK);
  assert_int_equal(m.kind, AM_MANIFEST_DOCKER_V2);
  am_manifest_free(&m);
  /* No mediaType in the body (allowed by OCI): the header decides. */
  assert_int_equal(
      am_manifest_parse(&m, no_type, strlen(no_type), AM_MT_DOCKER_V2, &err),
      AM_OK);
  assert_int_equal(m.kind, AM_MANIFEST_DOCKER_V2);
  am_manifest_free(&m);
}

static void test_mismatch_and_unknown(void **state) {
  am_manifest m;
  am_err err;
  const char *artifact =
      "{\"schemaVersion\":2,\"mediaType\":\"" AM_MT_OCI_MANIFEST "\","
      "\"config\":{\"mediaType\":\"application/vnd.cncf.helm.config.v1+json\","
      "\"digest\":\"" D1 "\"}}";
  const char *odd = "{\"schemaVersion\":2,\"mediaType\":\"application/x-odd\"}";

  (void)state;
  assert_int_equal(am_manifest_parse(&m, oci_index, strlen(oci_index),
                                     AM_MT_DOCKER_LIST, &err),
                   AM_EINVALID);
  assert_non_null(strstr(err.msg, "mismatch"));
  assert_int_equal(
      am_manifest_parse(&m, odd, strlen(odd), "application/x-odd", &err),
      AM_EINVALID);
  assert_non_null(strstr(err.msg, "unsupported"));
  assert_int_equal(am_manifest_parse(&m, "{", 1, AM_MT_OCI_INDEX, &err),
                   AM_EINVALID);
  assert_int_equal(am_manifest_parse(&m, "[]", 2, AM_MT_OCI_INDEX, &err),
                   AM_EINVALID);
  assert_int_equal(am_manifest_parse(&m, artifact, strlen(artifact),
                                     AM_MT_OCI_MANIFEST, &err),
                   AM_EINVALID);
  assert_non_null(strstr(err.msg, "not a container image"));
}

static void test_bad_entries(void **state) {
  am_manifest m;
  am_err err;
  const char *bad_digest =
      "{\"schemaVersion\":2,\"mediaType\":\"" AM_MT_OCI_INDEX "\","
      "\"manifests\":[{\"digest\":\"sha256:../../x\",\"platform\":"
      "{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
  const char *no_platform =
      "{\"schemaVersion\":2,\"mediaType\":\"" AM_MT_OCI_INDEX "\","
      "\"manifests\":[{\"digest\":\"" D1 "\"}]}";

  (void)state;
  assert_int_equal(am_manifest_parse(&m, bad_digest, strlen(bad_digest),
                                     AM_MT_OCI_INDEX, &err),
                   AM_EINVALID);
  assert_int_equal(am_manifest_parse(&m, no_platform, strlen(no_platform),
                                     AM_MT_OCI_INDEX, &err),
                   AM_OK);
  assert_int_equal(m.nentries, 1);
  assert_true(m.entries[0].needs_config);
  am_manifest_free(&m);
}

static void test_config(void **state) {
  am_platform p;
  am_err err;
  char text[AM_PLATFORM_STR_MAX];
  const char *arm = "{\"architecture\":\"arm\",\"os\":\"linux\","
                    "\"variant\":\"v6\",\"rootfs\":{}}";
  const char *win = "{\"architecture\":\"amd64\",\"os\":\"windows\","
                    "\"os.version\":\"10.0.17763.5329\"}";

  (void)state;
  assert_int_equal(am_manifest_parse_config(&p, arm, strlen(arm), &err), AM_OK);
  format(&p, text, sizeof(text));
  assert_string_equal(text, "linux/arm/v6");
  assert_int_equal(am_manifest_parse_config(&p, win, strlen(win), &err), AM_OK);
  format(&p, text, sizeof(text));
  assert_string_equal(text, "windows/amd64");
  assert_string_equal(p.os_version, "10.0.17763.5329");
  assert_int_equal(am_manifest_parse_config(&p, "{\"os\":\"linux\"}", 15, &err),
                   AM_EINVALID);
  assert_int_equal(am_manifest_parse_config(&p, "nope", 4, &err), AM_EINVALID);
}

static void test_kind_of(void **state) {
  (void)state;
  assert_int_equal(am_manifest_kind_of(AM_MT_OCI_INDEX), AM_MANIFEST_OCI_INDEX);
  assert_int_equal(am_manifest_kind_of(" " AM_MT_DOCKER_LIST ";q=1"),
                   AM_MANIFEST_DOCKER_LIST);
  assert_int_equal(am_manifest_kind_of(AM_MT_SCHEMA1), AM_MANIFEST_SCHEMA1);
  assert_int_equal(am_manifest_kind_of("text/html"), AM_MANIFEST_UNKNOWN);
  assert_int_equal(am_manifest_kind_of(NULL), AM_MANIFEST_UNKNOWN);
  /* The Accept list names every kind, schema1 included. */
  assert_non_null(strstr(AM_MANIFEST_ACCEPT, AM_MT_OCI_INDEX));
  assert_non_null(strstr(AM_MANIFEST_ACCEPT, AM_MT_DOCKER_LIST));
  assert_non_null(strstr(AM_MANIFEST_ACCEPT, AM_MT_OCI_MANIFEST));
  assert_non_null(strstr(AM_MANIFEST_ACCEPT, AM_MT_DOCKER_V2));
  assert_non_null(strstr(AM_MANIFEST_ACCEPT, AM_MT_SCHEMA1));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_oci_index),
      cmocka_unit_test(test_docker_list),
      cmocka_unit_test(test_single_manifests),
      cmocka_unit_test(test_schema1),
      cmocka_unit_test(test_schema1_signed_payload),
      cmocka_unit_test(test_schema1_media_type_as_served),
      cmocka_unit_test(test_type_from_body_or_header),
      cmocka_unit_test(test_mismatch_and_unknown),
      cmocka_unit_test(test_bad_entries),
      cmocka_unit_test(test_config),
      cmocka_unit_test(test_kind_of),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
