/* SPDX-License-Identifier: MIT */
/* A hash map from C strings to indexes: open addressing, linear probing,
 * at most half full. */
#include "util/strmap.h"

#include "util/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MIN_CAP 64

/* FNV-1a, 64 bits: short keys, no adversary worth a keyed hash here (a
 * repository can make many images, but a collision only costs time). */
static uint64_t hash_key(const char *s) {
  uint64_t h = 14695981039346656037ULL;

  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211ULL;
  }
  return h;
}

/* The slot holding `key`, or the free slot where it would go. */
static size_t find_slot(const am_strmap *m, const char *key) {
  size_t mask = m->cap - 1;
  size_t i = (size_t)hash_key(key) & mask;

  while (m->keys[i] != NULL && strcmp(m->keys[i], key) != 0)
    i = (i + 1) & mask;
  return i;
}

static int grow(am_strmap *m) {
  am_strmap bigger = {0};

  bigger.cap = m->cap ? m->cap * 2 : MIN_CAP;
  bigger.keys = calloc(bigger.cap, sizeof(*bigger.keys));
  bigger.vals = calloc(bigger.cap, sizeof(*bigger.vals));
  if (bigger.keys == NULL || bigger.vals == NULL) {
    am_strmap_free(&bigger);
    return AM_ENOMEM;
  }
  for (size_t i = 0; i < m->cap; i++) {
    size_t slot = 0;

    if (m->keys[i] == NULL)
      continue;
    slot = find_slot(&bigger, m->keys[i]);
    bigger.keys[slot] = m->keys[i];
    bigger.vals[slot] = m->vals[i];
  }
  bigger.len = m->len;
  am_strmap_free(m);
  *m = bigger;
  return AM_OK;
}

int am_strmap_add(am_strmap *m, const char *key, size_t val) {
  size_t slot = 0;

  if ((m->len + 1) * 2 > m->cap && grow(m) != AM_OK)
    return AM_ENOMEM;
  slot = find_slot(m, key);
  if (m->keys[slot] != NULL)
    return AM_OK;
  m->keys[slot] = key;
  m->vals[slot] = val;
  m->len++;
  return AM_OK;
}

bool am_strmap_get(const am_strmap *m, const char *key, size_t *val) {
  size_t slot = 0;

  if (m->cap == 0 || key == NULL)
    return false;
  slot = find_slot(m, key);
  if (m->keys[slot] == NULL)
    return false;
  if (val)
    *val = m->vals[slot];
  return true;
}

void am_strmap_free(am_strmap *m) {
  if (m == NULL)
    return;
  free(m->keys);
  free(m->vals);
  memset(m, 0, sizeof(*m));
}
