/* SPDX-License-Identifier: MIT */
/* A leveled logger. The core only calls am_log; the CLI decides where lines
 * go by installing a sink. With no sink installed the core is silent. */
#ifndef AM_UTIL_LOG_H
#define AM_UTIL_LOG_H

typedef enum am_log_level {
  AM_LOG_ERROR = 0,
  AM_LOG_WARN = 1,
  AM_LOG_INFO = 2,
  AM_LOG_DEBUG = 3,
  AM_LOG_TRACE = 4
} am_log_level;

/* Receives one finished line, without a trailing newline. */
typedef void (*am_log_sink)(am_log_level level, const char *line, void *ud);

/* Install `sink` for lines at `max_level` or more severe; NULL silences. */
void am_log_set_sink(am_log_sink sink, am_log_level max_level, void *ud);

/* True when a line at `level` would reach a sink (skip costly formatting). */
int am_log_enabled(am_log_level level);

/* Format and send one line. Control characters are replaced by spaces. */
void am_log(am_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The lowercase name of a level, as printed ("warning", "error", ...). */
const char *am_log_level_name(am_log_level level);

#endif
