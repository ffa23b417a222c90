/* SPDX-License-Identifier: MIT */
/* The `resolve --format json` document and freeing results. */
#include "registry/registry.h"

#include <jansson.h>
#include <stdlib.h>

/* A JSON string, or null for NULL. */
static json_t *string_or_null(const char *s) {
  return s ? json_string(s) : json_null();
}

static json_t *image_to_json(const am_image *im) {
  json_t *obj = json_object();
  json_t *platforms = json_array();
  int bad = obj == NULL || platforms == NULL;

  /* Keys in the documented order; jansson keeps insertion order. */
  bad |= json_object_set_new(obj, "image", string_or_null(im->image));
  bad |= json_object_set_new(obj, "status",
                             json_string(am_image_status_name(im->status)));
  bad |= json_object_set_new(obj, "digest", string_or_null(im->digest));
  bad |= json_object_set_new(obj, "media_type", string_or_null(im->media_type));
  for (size_t i = 0; !bad && i < im->nplatforms; i++) {
    const am_image_platform *p = &im->platforms[i];
    json_t *po = json_object();

    bad |= po == NULL;
    bad |= json_object_set_new(po, "platform", string_or_null(p->platform));
    if (p->os_version)
      bad |= json_object_set_new(po, "os_version", json_string(p->os_version));
    bad |= json_object_set_new(po, "digest", string_or_null(p->digest));
    bad |= json_array_append_new(platforms, po);
  }
  bad |= json_object_set(obj, "platforms", platforms);
  if (im->error)
    bad |= json_object_set_new(obj, "error", json_string(im->error));
  json_decref(platforms);
  if (bad) {
    json_decref(obj);
    return NULL;
  }
  return obj;
}

json_t *am_images_to_json(const am_image *images, size_t n) {
  json_t *root = json_object();
  json_t *list = json_array();
  int bad = root == NULL || list == NULL;

  for (size_t i = 0; !bad && i < n; i++)
    bad |= json_array_append_new(list, image_to_json(&images[i]));
  bad |= json_object_set(root, "images", list);
  json_decref(list);
  if (bad) {
    json_decref(root);
    return NULL;
  }
  return root;
}

void am_images_free(am_image *images, size_t n) {
  if (images == NULL)
    return;
  for (size_t i = 0; i < n; i++) {
    am_image *im = &images[i];

    free(im->image);
    free(im->digest);
    free(im->media_type);
    free(im->error);
    for (size_t k = 0; k < im->nplatforms; k++) {
      free(im->platforms[k].platform);
      free(im->platforms[k].os_version);
      free(im->platforms[k].digest);
    }
    free(im->platforms);
  }
  free(images);
}
