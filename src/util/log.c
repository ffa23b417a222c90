/* SPDX-License-Identifier: MIT */
/* A leveled logger whose output goes wherever the CLI says. */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>

static am_log_sink log_sink;
static am_log_level log_max = AM_LOG_WARN;
static void *log_ud;

void am_log_set_sink(am_log_sink sink, am_log_level max_level, void *ud) {
  log_sink = sink;
  log_max = max_level;
  log_ud = ud;
}

int am_log_enabled(am_log_level level) {
  return log_sink != NULL && level <= log_max;
}

void am_log(am_log_level level, const char *fmt, ...) {
  char line[2048];
  va_list ap;

  if (!am_log_enabled(level))
    return;
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  for (char *p = line; *p; p++) {
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      *p = ' ';
  }
  log_sink(level, line, log_ud);
}

const char *am_log_level_name(am_log_level level) {
  switch (level) {
  case AM_LOG_ERROR:
    return "error";
  case AM_LOG_WARN:
    return "warning";
  case AM_LOG_INFO:
    return "info";
  case AM_LOG_DEBUG:
    return "debug";
  default:
    return "trace";
  }
}
