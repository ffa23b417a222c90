/* SPDX-License-Identifier: MIT */
/* SIGINT and SIGTERM: stop the run with one message, remove the temporary
 * folders it made (util/tmpdir.h), and exit with 128 + the signal number,
 * as a shell reports a process killed by it. */
#include "cli/cli.h"

#include "util/tmpdir.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static sigset_t stop_signals;

/* The one thread that receives the signals (every other thread has them
 * blocked), so the cleanup runs as ordinary code, not in a handler. */
static void *wait_for_signal(void *ud) {
  int sig = 0;
  const char *msg;

  (void)ud;
  while (sigwait(&stop_signals, &sig) != 0) {
  }
  am_tmpdir_remove_all(); /* keeps the lock: no file is written after */
  msg = sig == SIGINT
            ? "archmatrix: error: interrupted; temporary folders removed\n"
            : "archmatrix: error: terminated; temporary folders removed\n";
  /* write(2), not stdio: the main thread may hold stderr's lock. */
  if (write(STDERR_FILENO, msg, strlen(msg)) < 0) {
  }
  _exit(128 + sig);
}

int am_cli_signals_start(void) {
  pthread_t thread;
  pthread_attr_t attr;
  int rc;

  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  /* Threads created later (curl's resolver, say) inherit the mask. */
  if (pthread_sigmask(SIG_BLOCK, &stop_signals, NULL) != 0)
    return AM_ERROR;
  if (pthread_attr_init(&attr) != 0)
    return AM_ERROR;
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  rc = pthread_create(&thread, &attr, wait_for_signal, NULL);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, NULL);
    return AM_ERROR;
  }
  return AM_OK;
}
