# SPDX-License-Identifier: MIT
"""Small helpers shared by the integration checks (run with /usr/bin/python3)."""
import json
import os
import signal
import subprocess
import sys
import time


class Failure(Exception):
    pass


def check(cond, what):
    """Fail the test with `what` unless `cond` holds."""
    if not cond:
        raise Failure(what)


def run(argv, env=None, timeout=120):
    """Run a command; return (exit code, stdout, stderr) as text."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    p = subprocess.run(argv, capture_output=True, text=True, env=full_env,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main(fn):
    """Run `fn` and turn a Failure into one FAIL line and exit 1."""
    try:
        fn(sys.argv[1:])
    except Failure as e:
        print("FAIL:", e, file=sys.stderr)
        sys.exit(1)
    print("ok")


def git_repo(src, dst):
    """Copy the folder `src` into a fresh git repository at `dst` with one
    commit (fixed author and date, so the commit id is stable)."""
    import shutil
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, symlinks=True)
    env = dict(os.environ)
    env.update({"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.invalid",
                "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
                "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"})
    for argv in (["git", "init", "-q", "-b", "main", "."],
                 ["git", "add", "-A"],
                 ["git", "-c", "commit.gpgsign=false", "commit", "-q", "-m",
                  "fixture"]):
        p = subprocess.run(argv, cwd=dst, capture_output=True, text=True,
                           env=env)
        check(p.returncode == 0, "%s: %s" % (" ".join(argv), p.stderr.strip()))


class Scripts:
    """Test servers written in Python (tests/servers, tests/registry): each
    runs with /usr/bin/python3 in a session of its own, logs to
    WORK/NAME/server.log and writes its port to WORK/NAME/port when it
    listens."""

    def __init__(self, work):
        self.work = work
        self.started = []

    def start(self, name, argv):
        """Start `argv` (a script and its arguments) with --dir WORK/NAME;
        returns ("127.0.0.1:PORT", that folder) once it listens."""
        directory = os.path.join(self.work, name)
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "server.log"), "ab") as log:
            proc = subprocess.Popen(
                ["/usr/bin/python3"] + list(argv) + ["--dir", directory],
                stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                start_new_session=True)
        self.started.append(proc)
        port_file = os.path.join(directory, "port")
        deadline = time.monotonic() + 15
        while not os.path.exists(port_file):
            check(proc.poll() is None and time.monotonic() < deadline,
                  "%s did not start: %s" % (name, read(
                      os.path.join(directory, "server.log"))))
            time.sleep(0.05)
        return "127.0.0.1:%s" % read(port_file), directory

    def stop(self):
        """End every server started, its children too."""
        for proc in self.started:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        self.started = []
