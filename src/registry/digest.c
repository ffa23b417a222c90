/* SPDX-License-Identifier: MIT */
/* Content digests computed with OpenSSL EVP. */
#include "registry/digest.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

/* True when `s` is exactly `n` lowercase hex digits. */
static bool is_lower_hex(const char *s, size_t n) {
  size_t i = 0;

  for (i = 0; i < n; i++) {
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  }
  return s[n] == '\0';
}

bool am_digest_valid(const char *digest) {
  if (digest == NULL)
    return false;
  if (strncmp(digest, "sha256:", 7) == 0)
    return is_lower_hex(digest + 7, 64);
  if (strncmp(digest, "sha512:", 7) == 0)
    return is_lower_hex(digest + 7, 128);
  return false;
}

/* Hash with the EVP digest named `algo` and write "algo:<hex>". */
static int hash_hex(char out[AM_DIGEST_MAX], const char *algo, const void *data,
                    size_t len) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  const EVP_MD *type = EVP_get_digestbyname(algo);
  size_t pos = 0;

  if (type == NULL || !EVP_Digest(data, len, md, &mdlen, type, NULL))
    return AM_ERROR;
  pos = (size_t)snprintf(out, AM_DIGEST_MAX, "%s:", algo);
  for (unsigned int i = 0; i < mdlen && pos + 3 <= AM_DIGEST_MAX; i++)
    pos += (size_t)snprintf(out + pos, AM_DIGEST_MAX - pos, "%02x", md[i]);
  return AM_OK;
}

int am_digest_sha256(char out[AM_DIGEST_MAX], const void *data, size_t len) {
  return hash_hex(out, "sha256", data, len);
}

int am_digest_check(const char *digest, const void *data, size_t len,
                    am_err *err) {
  char actual[AM_DIGEST_MAX] = "";
  char algo[8] = "";

  if (!am_digest_valid(digest))
    return am_err_set(err, AM_EINVALID, "malformed digest");
  memcpy(algo, digest, 6);
  if (hash_hex(actual, algo, data, len) != AM_OK)
    return am_err_set(err, AM_ERROR, "cannot compute %s", algo);
  if (strcmp(actual, digest) != 0)
    return am_err_set(err, AM_ERROR, "digest mismatch: expected %s, got %s",
                      digest, actual);
  return AM_OK;
}
