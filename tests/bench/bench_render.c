/* SPDX-License-Identifier: MIT */
/* Times am_report_write on a synthetic matrix: IMAGES rows (four in five
 * built here, one in five only used) × the eight default platforms. */
#include "registry/registry.h"
#include "report/report.h"
#include "scan/scan.h"
#include "util/strv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define NPLATFORMS 8
#define NBASES 200

static const char *const platforms[NPLATFORMS] = {
    "linux/amd64", "linux/arm64", "linux/arm/v7",  "linux/ppc64le",
    "linux/s390x", "linux/386",   "linux/riscv64", "windows/amd64"};

static double now(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A small deterministic generator, so every run builds the same matrix. */
static unsigned next_rand(unsigned *seed) {
  *seed = *seed * 1103515245u + 12345u;
  return (*seed >> 16) & 0x7fff;
}

static char *fake_digest(unsigned n, unsigned salt) {
  return am_asprintf("sha256:%08x%08x%048d", n, salt, 0);
}

/* Fill the answer for `image` with the platforms whose bit is set. */
static int make_answer(am_image *im, const char *image, unsigned mask,
                       unsigned n) {
  size_t k = 0;

  im->image = am_strdup(image);
  im->status = AM_IMAGE_OK;
  im->digest = fake_digest(n, 0);
  im->media_type = am_strdup("application/vnd.oci.image.index.v1+json");
  im->platforms = calloc(NPLATFORMS, sizeof(*im->platforms));
  if (!im->image || !im->digest || !im->media_type || !im->platforms)
    return -1;
  for (unsigned p = 0; p < NPLATFORMS; p++) {
    if (!(mask & (1u << p)))
      continue;
    im->platforms[k].platform = am_strdup(platforms[p]);
    im->platforms[k].digest = fake_digest(n, p + 1);
    if (p == NPLATFORMS - 1)
      im->platforms[k].os_version = am_strdup("10.0.20348.2227");
    k++;
  }
  im->nplatforms = k;
  return 0;
}

/* The scan and the answers for `nimages` rows. */
static int build_inputs(am_scan *scan, am_image **out, size_t nimages) {
  size_t ntargets = nimages * 4 / 5;
  size_t nused = nimages - ntargets;
  am_image *images = calloc(nimages, sizeof(*images));
  unsigned seed = 42;
  char image[256];
  char base[256];
  char path[256];

  *out = images;
  if (images == NULL || nused < NBASES)
    return -1;
  scan->url = am_strdup("https://example.invalid/bench.git");
  scan->commit = am_strdup("0123456789abcdef0123456789abcdef01234567");

  /* Used images: the first NBASES are the bases targets build on. */
  for (size_t i = 0; i < nused; i++) {
    unsigned mask = 1u | (next_rand(&seed) & 0xff);

    snprintf(image, sizeof(image), "docker.io/benchorg/base-%04zu:1.%zu", i,
             i % 10);
    snprintf(path, sizeof(path), "deploy/app-%04zu.yaml", i);
    if (make_answer(&images[i], image, mask, (unsigned)i) != 0 ||
        am_scan_add_ref(scan, image, image, path, 10, AM_CTX_YAML, NULL) != 0)
      return -1;
  }
  /* Targets: declared platforms with a base each; published on some. */
  for (size_t i = 0; i < ntargets; i++) {
    am_target *t = NULL;
    unsigned declared = 1u | (next_rand(&seed) & 0x7f);
    unsigned published = declared & (next_rand(&seed) | 1u);
    size_t b = next_rand(&seed) % NBASES;

    snprintf(image, sizeof(image),
             "registry.k8s.io/e2e-test-images/bench-%04zu:1.%zu", i, i % 7);
    snprintf(path, sizeof(path), "test/images/bench-%04zu", i);
    snprintf(base, sizeof(base), "docker.io/benchorg/base-%04zu:1.%zu", b,
             b % 10);
    if (am_scan_add_target(scan, image, path, &t) != 0)
      return -1;
    for (unsigned p = 0; p < NPLATFORMS; p++) {
      if ((declared & (1u << p)) &&
          am_target_add_platform(t, platforms[p], base) != 0)
        return -1;
    }
    snprintf(path, sizeof(path), "test/images/bench-%04zu/BASEIMAGE", i);
    if (am_scan_add_ref(scan, base, base, path, 1, AM_CTX_BASEIMAGE,
                        platforms[0]) != 0 ||
        make_answer(&images[nused + i], image, published,
                    (unsigned)(nused + i)) != 0)
      return -1;
  }
  am_scan_sort(scan);
  return 0;
}

int main(int argc, char **argv) {
  size_t nimages = 5000;
  int reps = 3;
  am_scan scan;
  am_image *images = NULL;
  am_report_opts opts;
  am_err err;
  double best = 0;
  struct rusage ru;
  int rc = 1;

  if (argc < 2) {
    fprintf(stderr, "usage: bench_render WORKDIR [IMAGES] [REPS]\n");
    return 2;
  }
  if (argc > 2)
    nimages = strtoul(argv[2], NULL, 10);
  if (argc > 3)
    reps = atoi(argv[3]);
  memset(&scan, 0, sizeof(scan));
  if (build_inputs(&scan, &images, nimages) != 0) {
    fprintf(stderr, "bench_render: cannot build the inputs\n");
    goto done;
  }
  memset(&opts, 0, sizeof(opts));
  opts.templates_dir = AM_SOURCE_DIR "/templates";
  opts.assets_dir = AM_SOURCE_DIR "/assets";
  opts.platforms = platforms;
  opts.nplatforms = NPLATFORMS;
  opts.generated_at = "2024-06-07T00:00:00Z";
  printf("{\"images\": %zu, \"platforms\": %d, \"seconds\": [", nimages,
         NPLATFORMS);
  for (int r = 0; r < reps; r++) {
    char *out = am_asprintf("%s/site-%d", argv[1], r);
    double start = now();
    double took = 0;

    am_err_clear(&err);
    opts.out_dir = out;
    if (out == NULL ||
        am_report_write(&scan, 1, images, nimages, &opts, &err) != 0) {
      fprintf(stderr, "bench_render: %s\n", err.msg);
      free(out);
      goto done;
    }
    took = now() - start;
    if (r == 0 || took < best)
      best = took;
    printf("%s%.4f", r ? ", " : "", took);
    free(out);
  }
  getrusage(RUSAGE_SELF, &ru);
  printf("], \"best\": %.4f, \"maxrss_kib\": %ld}\n", best, ru.ru_maxrss);
  rc = 0;

done:
  am_images_free(images, nimages);
  am_scan_free(&scan);
  return rc;
}
