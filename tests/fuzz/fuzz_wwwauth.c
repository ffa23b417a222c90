/* SPDX-License-Identifier: MIT */
/* Fuzz the WWW-Authenticate challenge parser and the token server's JSON
 * answer: both come from whatever server answered. */
#include "fuzz.h"

#include "registry/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  am_challenges list = {0};
  char *header = NULL;
  char *token = NULL;
  long expires = 0;
  am_err err;

  if (size > 2 * AM_AUTH_HEADER_MAX ||
      (header = fuzz_strndup(data, size)) == NULL)
    return 0;
  am_err_clear(&err);
  am_auth_parse_challenges(&list, header, &err);
  FUZZ_ASSERT(list.len <= AM_AUTH_MAX_CHALLENGES);
  for (size_t i = 0; i < list.len; i++) {
    const am_challenge *c = &list.v[i];

    FUZZ_ASSERT(c->scheme != NULL && c->nparams <= AM_AUTH_MAX_PARAMS);
    am_auth_param_get(c, "realm");
  }
  am_auth_find(&list, "bearer");
  am_challenges_free(&list);

  if (am_auth_parse_token_response(&token, &expires, (const char *)data, size,
                                   &err) == AM_OK) {
    FUZZ_ASSERT(token != NULL && expires > 0);
    free(token);
  }
  free(header);
  return 0;
}
