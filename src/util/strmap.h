/* SPDX-License-Identifier: MIT */
/* A hash map from C strings to indexes, for lookups that would otherwise
 * scan an array once per item. */
#ifndef AM_UTIL_STRMAP_H
#define AM_UTIL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

/* The keys are borrowed: each must stay valid and unchanged while the map
 * holds it. A zeroed struct is an empty map. */
typedef struct am_strmap {
  const char **keys; /* NULL marks a free slot */
  size_t *vals;
  size_t cap; /* a power of two, or 0 */
  size_t len;
} am_strmap;

/* Map `key` to `val` unless the key is already there: the first value
 * stays, as a front-to-back search of an array would find it. Returns 0 or
 * AM_ENOMEM. */
int am_strmap_add(am_strmap *m, const char *key, size_t val);

/* True, with `*val` set, when `key` is in the map. */
bool am_strmap_get(const am_strmap *m, const char *key, size_t *val);

/* Free the slots (not the keys) and empty the map. NULL is fine. */
void am_strmap_free(am_strmap *m);

#endif
