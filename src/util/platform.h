/* SPDX-License-Identifier: MIT */
/* Platform strings (os/arch[/variant]) and their normalisation. */
#ifndef AM_UTIL_PLATFORM_H
#define AM_UTIL_PLATFORM_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

#define AM_PLATFORM_FIELD_MAX 64
#define AM_PLATFORM_STR_MAX (4 * AM_PLATFORM_FIELD_MAX)

/*
 * One platform. `os_version` is set for Windows only (an OS build such as
 * "10.0.20348.2227", or a release name such as "ltsc2022" taken from a
 * BASEIMAGE key); it is never part of the plain os/arch/variant string.
 */
typedef struct am_platform {
  char os[AM_PLATFORM_FIELD_MAX];
  char arch[AM_PLATFORM_FIELD_MAX];
  char variant[AM_PLATFORM_FIELD_MAX];
  char os_version[AM_PLATFORM_FIELD_MAX];
} am_platform;

/*
 * Parse "os/arch[/variant]" and normalise it. For Windows the third segment
 * is the OS version, not a variant (Windows has no CPU variants). Fails with
 * AM_EINVALID on an empty or over-long field, or a string without an arch.
 */
int am_platform_parse(am_platform *out, const char *s, am_err *err);

/*
 * Build a platform from separate fields, as an index entry or image config
 * gives them, and normalise it. Any field may be NULL or empty except arch.
 */
int am_platform_from_fields(am_platform *out, const char *os, const char *arch,
                            const char *variant, const char *os_version,
                            am_err *err);

/*
 * Normalise in place as containerd does: lowercase; x86_64/x86-64 → amd64;
 * aarch64 → arm64 and arm64/v8 → arm64; arm without variant → arm/v7,
 * armhf → arm/v7, armel → arm/v6; i386/i686 → 386; a bare variant digit gets
 * its "v"; macos → darwin.
 */
void am_platform_normalize(am_platform *p);

/*
 * Write "os/arch[/variant]" into `out`. With `with_os_version`, a Windows
 * platform that has an OS version gets it as a third segment
 * ("windows/amd64/ltsc2022"), the form used for BASEIMAGE keys.
 */
void am_platform_format(const am_platform *p, bool with_os_version, char *out,
                        size_t size);

/* Normalise a platform string into `out`; the result of am_platform_parse. */
int am_platform_normalize_string(const char *in, char *out, size_t size,
                                 am_err *err);

/* True when os, arch and variant are equal (os_version is not compared). */
bool am_platform_same_arch(const am_platform *a, const am_platform *b);

/*
 * The Windows build prefix ("10.0.20348") for a release name such as
 * "ltsc2022", "1809" or "20H2" (case-insensitive), or the name itself when it
 * already looks like a build number. NULL when unknown.
 */
const char *am_windows_build_prefix(const char *name);

#endif
