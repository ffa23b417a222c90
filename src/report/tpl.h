/* SPDX-License-Identifier: MIT */
/* A small C interface to ctemplate: dictionaries, sections and expansion
 * of template files whose AUTOESCAPE pragma escapes every value. */
#ifndef AM_REPORT_TPL_H
#define AM_REPORT_TPL_H

/* The util headers are plain C without linkage guards. */
#ifdef __cplusplus
extern "C" {
#endif

#include "util/buf.h"
#include "util/err.h"

/* A set of templates read from one folder, loaded once and reused. */
typedef struct am_tpl am_tpl;

/* A dictionary of values. A section or include dictionary is owned by the
 * dictionary it was added to; only a root dictionary is freed. */
typedef struct am_tpl_dict am_tpl_dict;

/* Open the templates in `dir`. NULL when memory runs out. */
am_tpl *am_tpl_new(const char *dir);

/* Free the templates. NULL is fine. */
void am_tpl_free(am_tpl *tpl);

/* A new root dictionary (free with am_tpl_dict_free). NULL on no memory. */
am_tpl_dict *am_tpl_dict_new(const char *name);

/* Free a root dictionary and everything added to it. NULL is fine. */
void am_tpl_dict_free(am_tpl_dict *dict);

/*
 * Set a variable. `key` must be a string that outlives the dictionary
 * (a literal); `value` is copied and may be NULL (the empty string). The
 * template's auto-escape decides how the value is escaped.
 */
void am_tpl_set(am_tpl_dict *dict, const char *key, const char *value);

/* Set a variable to a number. */
void am_tpl_set_int(am_tpl_dict *dict, const char *key, long value);

/* Set a variable from a format string. */
void am_tpl_setf(am_tpl_dict *dict, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Add one more instance of section `name` and return its dictionary, whose
 * lookups fall back to `dict`. Owned by `dict`. */
am_tpl_dict *am_tpl_section(am_tpl_dict *dict, const char *name);

/* Show section `name` once, with the values of `dict`. */
void am_tpl_show(am_tpl_dict *dict, const char *name);

/* Show section `name` only when `on` is true. */
void am_tpl_show_if(am_tpl_dict *dict, const char *name, int on);

/* Add an include of template file `file` at `{{>name}}`; returns its
 * dictionary, owned by `dict`. */
am_tpl_dict *am_tpl_include(am_tpl_dict *dict, const char *name,
                            const char *file);

/*
 * Expand template `file` (relative to the templates folder) with `dict`,
 * appending the result to `out`. Fails with AM_ENOTFOUND when the file is
 * missing, AM_EINVALID when it does not parse.
 */
int am_tpl_expand(am_tpl *tpl, const char *file, const am_tpl_dict *dict,
                  am_buf *out, am_err *err);

#ifdef __cplusplus
}
#endif

#endif
