# SPDX-License-Identifier: MIT
"""The benchmark driver behind scripts/bench.

    run.py --build BUILD_DIR --work WORK_DIR [--reps N] [--skopeo-sample N]
           [--results FILE]

Makes the synthetic repository and its registry (genrepo.py), puts the
delaying proxy (delayproxy.py) in front of a docker-registry on loopback,
measures the five figures of issue 7 side by side in one run, and prints
one Markdown table (also written to WORK_DIR/results.md, or --results).
Short runs are repeated and the best is kept: the machine is shared and
noisy, and the best of several is the most repeatable estimate of what the
work itself costs. Nothing here asserts a timing.
"""

import argparse
import hashlib
import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SERVERCTL = os.path.join(ROOT, "tests", "servers", "serverctl")
PYTHON = "/usr/bin/python3"
DELAY_MS = 25.0
CONCURRENCY = 8
ACCEPT = ", ".join([
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json"])
# The files the scan reads (src/scan/walk.c classify), for the floor.
SCAN_FILES_RE = (r"	(.*/)?(BASEIMAGE|VERSION|ALIAS|image-util\.sh|"
                 r"[^/]*\.ya?ml|[^/]*(dockerfile|containerfile)[^/]*)$")


def note(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run(argv, **kw):
    kw.setdefault("check", True)
    return subprocess.run(argv, **kw)


def timed(argv, ok=(0,), **kw):
    """Run `argv`, return (seconds, completed process)."""
    start = time.monotonic()
    proc = subprocess.run(argv, **kw)
    took = time.monotonic() - start
    if proc.returncode not in ok:
        err = proc.stderr.decode(errors="replace") if proc.stderr else ""
        raise SystemExit("bench: %s exited %d\n%s" % (
            " ".join(argv[:3]), proc.returncode, err[-2000:]))
    return took, proc


class Bench:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build)
        self.work = os.path.abspath(args.work)
        self.am = os.path.join(self.build, "archmatrix")
        self.render = os.path.join(self.build, "tests", "bench",
                                   "bench_render")
        self.gen = os.path.join(self.work, "gen")
        self.repo = os.path.join(self.gen, "repo.git")
        self.regdir = os.path.join(self.work, "registry")
        self.proxydir = os.path.join(self.work, "proxy")
        self.proxy = None
        self.rows = []
        self.extra = {}

    # -- setup -----------------------------------------------------------

    def generate(self):
        stamp = os.path.join(self.gen, "stamp")
        want = sha256_file(os.path.join(HERE, "genrepo.py"))
        if os.path.exists(stamp) and open(stamp).read() == want:
            note("synthetic repository is up to date")
        else:
            note("making the synthetic repository (30,000 files)")
            if os.path.exists(self.gen):
                shutil.rmtree(self.gen)
            run([PYTHON, os.path.join(HERE, "genrepo.py"), self.gen],
                stdout=subprocess.DEVNULL)
            with open(stamp, "w") as f:
                f.write(want)
        with open(os.path.join(self.gen, "plan.json")) as f:
            self.plan = json.load(f)
        with open(os.path.join(self.gen, "images.txt")) as f:
            self.images = f.read().split()

    def start_registry(self):
        """A docker-registry holding the 500 images. Pushing takes about a
        minute, so a seeded storage is kept for the next run while the
        spec is unchanged."""
        spec = os.path.join(self.gen, "images.json")
        stamp = os.path.join(self.work, "registry.stamp")
        want = sha256_file(spec)
        seeded = os.path.exists(stamp) and open(stamp).read() == want
        argv = [PYTHON, SERVERCTL, "registry", "start", "--dir", self.regdir,
                "--timeout", "30"]
        if seeded:
            argv.append("--keep-storage")
        run(argv, stdout=subprocess.DEVNULL)
        if seeded:
            note("registry storage already seeded")
            return
        if os.path.exists(stamp):
            os.remove(stamp)
        note("seeding the registry with %d images" % len(self.images))
        with open(spec) as f:
            images = json.load(f)["images"]
        # One pusher per group of repositories: distribution does not like
        # two clients uploading the same blob to one repository at once.
        names = sorted({i["name"] for i in images})
        group = {n: k % 8 for k, n in enumerate(names)}
        procs = []
        for k in range(8):
            part = os.path.join(self.work, "seed-%d.json" % k)
            with open(part, "w") as f:
                json.dump({"images": [i for i in images
                                      if group[i["name"]] == k]}, f)
            procs.append(subprocess.Popen(
                [PYTHON, SERVERCTL, "push", "--dir", self.regdir, "--spec",
                 part], stdout=subprocess.DEVNULL))
        if any(p.wait() != 0 for p in procs):
            raise SystemExit("bench: seeding the registry failed")
        with open(stamp, "w") as f:
            f.write(want)

    def start_proxy(self):
        if os.path.exists(self.proxydir):
            shutil.rmtree(self.proxydir)
        os.makedirs(self.proxydir)
        target = open(os.path.join(self.regdir, "host")).read().strip()
        self.proxy = subprocess.Popen(
            [PYTHON, os.path.join(HERE, "delayproxy.py"), "--target", target,
             "--dir", self.proxydir, "--delay-ms", str(DELAY_MS)],
            stderr=open(os.path.join(self.proxydir, "proxy.log"), "w"),
            start_new_session=True)
        port_file = os.path.join(self.proxydir, "port")
        for _ in range(100):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        else:
            raise SystemExit("bench: the proxy did not start")
        self.proxy_host = "127.0.0.1:" + open(port_file).read().strip()
        self.log = os.path.join(self.proxydir, "requests.log")
        self.mirrors = []
        for host in self.plan["mirrored_hosts"]:
            self.mirrors += ["--registry-mirror",
                             "%s=http://%s" % (host, self.proxy_host)]

    def stop(self):
        if self.proxy is not None and self.proxy.poll() is None:
            self.proxy.terminate()
            self.proxy.wait(10)
        subprocess.run([PYTHON, SERVERCTL, "stop", "--dir", self.regdir],
                       stdout=subprocess.DEVNULL)

    # -- measuring helpers ------------------------------------------------

    def log_offset(self):
        with open(self.log) as f:
            return len(f.readlines())

    def requests_since(self, offset):
        """Requests by method since `offset`, plus connections."""
        counts = {}
        with open(self.log) as f:
            for line in f.readlines()[offset:]:
                method, _, path = line.strip().partition(" ")
                if method == "GET" and "/blobs/" in path:
                    method = "GET blob"
                elif method == "GET" and "/manifests/" in path:
                    method = "GET manifest"
                counts[method] = counts.get(method, 0) + 1
        return counts

    def measure_rtt(self, hostport, n=30):
        host, port = hostport.split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        path = "/v2/%s/manifests/%s" % tuple(
            self.images[0].split("/", 1)[1].rsplit(":", 1))
        times = []
        for _ in range(n + 1):
            start = time.monotonic()
            conn.request("GET", path, headers={"Accept": ACCEPT})
            resp = conn.getresponse()
            resp.read()
            times.append(time.monotonic() - start)
        conn.close()
        return statistics.median(times[1:])

    # -- the figures -------------------------------------------------------

    def figure_scan(self):
        reps = self.args.reps + 2
        am_times, floor_times = [], []
        floor_cmd = ("git -C '%s' ls-tree -r HEAD | grep -iE $'%s' | "
                     "awk '{print $3}' | tee '%s' | "
                     "git -C '%s' cat-file --batch > /dev/null" % (
                         self.repo, SCAN_FILES_RE,
                         os.path.join(self.work, "floor-ids"), self.repo))
        for _ in range(reps):
            t, proc = timed([self.am, "scan", self.repo, "--format", "json"],
                            stdout=subprocess.PIPE)
            am_times.append(t)
            t, _ = timed(["bash", "-c", "set -o pipefail; " + floor_cmd])
            floor_times.append(t)
        doc = json.loads(proc.stdout)
        with open(os.path.join(self.work, "floor-ids")) as f:
            read = len(f.read().split())
        am, floor = min(am_times), min(floor_times)
        files = self.plan["files"]
        self.rows.append((
            "1. scan, %d files (%d Dockerfiles, %d files read)" % (
                files, self.plan["dockerfiles"], read),
            "%.3f s, %.0f files/s (%d refs, %d targets)" % (
                am, files / am, len(doc["references"]), len(doc["targets"])),
            "`git ls-tree -r` + `cat-file --batch`: %.3f s, %.0f files/s" % (
                floor, files / floor),
            "%.2f× the floor" % (am / floor), "≤ 3×", am / floor <= 3))
        self.extra["scan"] = {"archmatrix": am_times, "floor": floor_times}

    def resolve(self, cache, *extra):
        argv = [self.am, "resolve", "--format", "json", "--cache-dir", cache,
                "--concurrency", str(CONCURRENCY)] + self.mirrors + list(
                    extra) + self.images
        off = self.log_offset()
        t, proc = timed(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        doc = json.loads(proc.stdout)
        bad = [i["image"] for i in doc["images"] if i["status"] != "ok"]
        if bad:
            raise SystemExit("bench: not resolved: %s" % ", ".join(bad[:5]))
        return t, self.requests_since(off)

    def figure_resolve(self):
        rtt = self.measure_rtt(self.proxy_host)
        direct = self.measure_rtt(
            open(os.path.join(self.regdir, "host")).read().strip())
        cold = []
        cache = None
        for k in range(self.args.reps):
            cache = os.path.join(self.work, "cache-%d" % k)
            if os.path.exists(cache):
                shutil.rmtree(cache)
            cold.append(self.resolve(cache))
        best = min(t for t, _ in cold)
        counts = cold[-1][1]
        gets = counts.get("GET manifest", 0) + counts.get("GET blob", 0)

        # The loop a user would write: one skopeo call per image, on a
        # sample spread over the list, extrapolated to all of them.
        n = min(self.args.skopeo_sample, len(self.images))
        sample = self.images[::max(1, len(self.images) // n)][:n]
        off = self.log_offset()
        start = time.monotonic()
        for image in sample:
            path = image.split("/", 1)[1]
            run(["skopeo", "inspect", "--raw", "--tls-verify=false",
                 "docker://%s/%s" % (self.proxy_host, path)],
                stdout=subprocess.DEVNULL)
        skopeo_each = (time.monotonic() - start) / len(sample)
        skopeo_counts = self.requests_since(off)
        skopeo = skopeo_each * len(self.images)

        needed = self.plan["cold_requests"]
        floor = needed * rtt / CONCURRENCY
        nominal = needed * 2 * DELAY_MS / 1000.0 / CONCURRENCY
        self.rows.append((
            "2a. cold resolve, %d images vs a skopeo loop" % len(self.images),
            "%.2f s (%d GET: %d manifest, %d blob; %d connections)" % (
                best, gets, counts.get("GET manifest", 0),
                counts.get("GET blob", 0), counts.get("CONNECT", 0)),
            "`skopeo inspect --raw` loop: %.1f s (%d calls timed, "
            "%.3f s each × %d; per call %s)" % (
                skopeo, len(sample), skopeo_each, len(self.images),
                ", ".join("%s %.0f" % (k, v / len(sample))
                          for k, v in sorted(skopeo_counts.items()))),
            "%.1f× faster" % (skopeo / best), "≥ 20×", skopeo / best >= 20))
        self.rows.append((
            "2b. cold resolve vs the round-trip floor",
            "%.2f s" % best,
            "%d requests × %.1f ms RTT ÷ %d = %.2f s (nominal %.0f ms: "
            "%.2f s; registry alone %.1f ms)" % (
                needed, rtt * 1000, CONCURRENCY, floor, 2 * DELAY_MS,
                nominal, direct * 1000),
            "%.2f× the floor" % (best / floor), "≤ 1.5×", best / floor <= 1.5))
        self.extra["cold"] = [t for t, _ in cold]
        self.cold_best = best
        self.cold_cache = cache

    def figure_warm(self):
        warm = [self.resolve(self.cold_cache) for _ in range(self.args.reps)]
        t = min(x for x, _ in warm)
        counts = warm[-1][1]
        manifest_gets = counts.get("GET manifest", 0)
        heads = counts.get("HEAD", 0)
        ok = manifest_gets == 0 and heads <= len(self.images) and (
            t < 0.1 * self.cold_best)
        self.rows.append((
            "3a. warm rerun within the tag TTL",
            "%.3f s; requests: %s" % (t, self.describe(counts)),
            "cold %.2f s" % self.cold_best,
            "%.1f%% of cold" % (100 * t / self.cold_best),
            "0 manifest GET, ≤ 1 HEAD/tag, < 10%", ok))
        # Past the TTL every tag is checked once with HEAD, bodies come
        # from the cache.
        time.sleep(1.1)
        t2, counts2 = self.resolve(self.cold_cache, "--tag-ttl", "1")
        heads2 = counts2.get("HEAD", 0)
        ok2 = counts2.get("GET manifest", 0) == 0 and heads2 <= len(
            self.images)
        self.rows.append((
            "3b. warm rerun past the tag TTL (`--tag-ttl 1`)",
            "%.3f s; requests: %s" % (t2, self.describe(counts2)),
            "cold %.2f s; floor %d HEAD × RTT ÷ %d = %.2f s" % (
                self.cold_best, len(self.images), CONCURRENCY,
                len(self.images) * 2 * DELAY_MS / 1000.0 / CONCURRENCY),
            "%.1f%% of cold; %.2f HEAD/tag" % (
                100 * t2 / self.cold_best, heads2 / len(self.images)),
            "0 manifest GET, ≤ 1 HEAD/tag", ok2))
        self.extra["warm"] = [x for x, _ in warm]

    @staticmethod
    def describe(counts):
        shown = {k: v for k, v in counts.items() if k != "CONNECT"}
        if not shown:
            return "none"
        return ", ".join("%d %s" % (v, k) for k, v in sorted(shown.items()))

    def render_once(self, where, label):
        out = os.path.join(where, "archmatrix-bench-render-%d" % os.getpid())
        if os.path.exists(out):
            shutil.rmtree(out)
        os.makedirs(out)
        try:
            _, proc = timed([self.render, out, "5000", str(self.args.reps)],
                            stdout=subprocess.PIPE)
            doc = json.loads(proc.stdout)
            site = os.path.join(out, "site-0")
            seen = set()
            size = files = 0
            for d, _, fs in os.walk(site):
                for f in fs:
                    st = os.stat(os.path.join(d, f))
                    files += 1
                    if st.st_ino not in seen:
                        seen.add(st.st_ino)
                        size += st.st_size
        finally:
            shutil.rmtree(out)
        self.rows.append((
            label,
            "%.3f s (%d files, %.0f MiB; peak RSS %.0f MiB)" % (
                doc["best"], files, size / 1048576.0,
                doc["maxrss_kib"] / 1024.0),
            "runs: %s" % ", ".join("%.3f" % s for s in doc["seconds"]),
            "%.2f× the target" % (doc["best"] / 0.5), "< 0.5 s",
            doc["best"] < 0.5))
        return doc

    def figure_render(self):
        self.render_once(self.work,
                         "4. render 5,000 images × 8 platforms "
                         "(am_report_write)")
        # The same render with no disk in the way: what the work costs,
        # apart from the filesystem the site is written to.
        if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
            self.render_once("/dev/shm",
                             "4b. the same render into tmpfs (/dev/shm)")

    def figure_memory(self):
        cache = os.path.join(self.work, "report-cache")
        site = os.path.join(self.work, "site")
        for d in (cache, site):
            if os.path.exists(d):
                shutil.rmtree(d)
        config = os.path.join(self.work, "bench.json")
        with open(config, "w") as f:
            json.dump({
                "sources": [{"url": self.repo}],
                "registries": {
                    "mirrors": {h: "http://" + self.proxy_host
                                for h in self.plan["mirrored_hosts"]},
                    "concurrency": CONCURRENCY},
                "cache_dir": cache, "output": site}, f, indent=1)
        off = self.log_offset()
        start = time.monotonic()
        proc = subprocess.Popen([self.am, "report", "-c", config],
                                stdout=subprocess.DEVNULL)
        # wait4 gives this child's own peak (ru_maxrss, KiB on Linux).
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        t = time.monotonic() - start
        if proc.returncode != 0:
            raise SystemExit("bench: report exited %d" % proc.returncode)
        counts = self.requests_since(off)
        rss = usage.ru_maxrss
        self.rows.append((
            "5. peak RSS, whole `report` run (scan + cold resolve + site)",
            "%.1f MiB (run took %.2f s; %s)" % (
                rss / 1024.0, t, self.describe(counts)),
            "", "%.2f× the target" % (rss / 1024.0 / 100), "< 100 MiB",
            rss < 100 * 1024))

    # -- output ------------------------------------------------------------

    def machine(self):
        cpu = "?"
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) // 1024

        def version(argv):
            try:
                out = subprocess.run(argv, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT).stdout
                return out.decode().splitlines()[0].strip()
            except (OSError, IndexError):
                return "?"

        load = open("/proc/loadavg").read().split()[:3]
        return [
            "%s, %d CPUs, %d MiB RAM, Linux %s (%s)" % (
                cpu, os.cpu_count(), mem, platform.release(),
                platform.machine()),
            "load average at the end: %s" % " ".join(load),
            "%s; %s; %s; Python %s" % (
                version(["git", "--version"]), version(["skopeo", "--version"]),
                version(["docker-registry", "--version"]),
                platform.python_version()),
            "archmatrix %s" % version([self.am, "--version"]),
        ]

    def table(self):
        lines = ["| figure | archmatrix | compared with | ratio | target | met |",
                 "|---|---|---|---|---|---|"]
        for fig, am, other, ratio, target, ok in sorted(self.rows):
            lines.append("| %s | %s | %s | %s | %s | %s |" % (
                fig, am, other, ratio, target, "yes" if ok else "**no**"))
        return "\n".join(lines)

    def main(self):
        os.makedirs(self.work, exist_ok=True)
        started = time.monotonic()
        self.generate()
        try:
            self.start_registry()
            self.start_proxy()
            note("1/5 scan")
            self.figure_scan()
            note("2/5 cold resolve, and the skopeo loop")
            self.figure_resolve()
            note("3/5 warm reruns")
            self.figure_warm()
            note("5/5 peak memory of a whole report run")
            self.figure_memory()
        finally:
            self.stop()
        note("4/5 rendering 5,000 × 8")
        self.figure_render()
        text = "\n".join([
            self.table(), "",
            "Delay %.0f ms each way (RTT %.0f ms), concurrency %d; best of %d "
            "runs for scan (%d), cold and warm resolve, render; the whole "
            "benchmark took %.0f s." % (
                DELAY_MS, 2 * DELAY_MS, CONCURRENCY, self.args.reps,
                self.args.reps + 2, time.monotonic() - started),
            "",
            "Machine: " + "; ".join(self.machine()), ""])
        out = self.args.results or os.path.join(self.work, "results.md")
        with open(out, "w") as f:
            f.write(text)
        with open(os.path.join(self.work, "raw.json"), "w") as f:
            json.dump(self.extra, f, indent=1)
        sys.stdout.write(text)
        return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--skopeo-sample", type=int, default=25)
    p.add_argument("--results")
    args = p.parse_args()
    sys.exit(Bench(args).main())


if __name__ == "__main__":
    main()
