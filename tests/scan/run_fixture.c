/* SPDX-License-Identifier: MIT */
/* Runs one scan fixture case: turns <case>/repo into a git repository (with
 * libgit2, no git command), scans it as the CLI would, and compares the
 * JSON with <case>/expected.json. */
#include "util/path.h"
#include "scan/scan.h"
#include "source/source.h"

#include <git2.h>
#include <jansson.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *what, const char *detail) {
  const git_error *e = git_error_last();

  fprintf(stderr, "run_fixture: %s: %s%s%s\n", what, detail ? detail : "",
          e && e->message ? ": " : "", e && e->message ? e->message : "");
  return 1;
}

static char *read_file(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  char *buf = NULL;
  long n;

  if (fp == NULL)
    return NULL;
  if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
      fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
    *len = fread(buf, 1, (size_t)n, fp);
    buf[*len] = '\0';
  }
  fclose(fp);
  return buf;
}

/* Add one blob to the in-memory index. */
static int index_add(git_repository *repo, git_index *index, const char *path,
                     const void *data, size_t len, unsigned int mode) {
  git_index_entry entry;
  git_oid oid;

  if (git_blob_create_from_buffer(&oid, repo, data, len) != 0)
    return fail("blob", path);
  memset(&entry, 0, sizeof(entry));
  entry.mode = mode;
  entry.id = oid;
  entry.path = path;
  if (git_index_add(index, &entry) != 0)
    return fail("index add", path);
  return 0;
}

/* Add every file under dir (relative name `rel`) to the index. */
static int add_dir(git_repository *repo, git_index *index, const char *dir,
                   const char *rel) {
  struct dirent **names = NULL;
  int n = scandir(dir, &names, NULL, alphasort);
  int rc = 0;

  if (n < 0)
    return fail("scandir", dir);
  for (int i = 0; i < n; i++) {
    char full[4096];
    char sub[4096];
    struct stat st;
    const char *name = names[i]->d_name;

    if (rc == 0 && strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
      snprintf(full, sizeof(full), "%s/%s", dir, name);
      snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", name);
      if (lstat(full, &st) != 0) {
        rc = fail("stat", full);
      } else if (S_ISDIR(st.st_mode)) {
        rc = add_dir(repo, index, full, sub);
      } else if (S_ISREG(st.st_mode)) {
        size_t len = 0;
        char *data = read_file(full, &len);

        rc = data ? index_add(repo, index, sub, data, len,
                              (st.st_mode & 0100) ? GIT_FILEMODE_BLOB_EXECUTABLE
                                                  : GIT_FILEMODE_BLOB)
                  : fail("read", full);
        free(data);
      }
    }
    free(names[i]);
  }
  free(names);
  return rc;
}

/* symlinks.json: {"path": "target"}; submodules.json: ["path"];
 * generated.json: [{"path", "repeat", "times"} or {"path", "hex"}]. */
static int add_extras(git_repository *repo, git_index *index,
                      const char *casedir) {
  char path[4096];
  json_t *j;
  const char *key;
  json_t *val;
  size_t i;
  int rc = 0;

  snprintf(path, sizeof(path), "%s/symlinks.json", casedir);
  if ((j = json_load_file(path, 0, NULL)) != NULL) {
    json_object_foreach(j, key, val) {
      const char *target = json_string_value(val);

      if (rc == 0 && target)
        rc = index_add(repo, index, key, target, strlen(target),
                       GIT_FILEMODE_LINK);
    }
    json_decref(j);
  }
  snprintf(path, sizeof(path), "%s/submodules.json", casedir);
  if ((j = json_load_file(path, 0, NULL)) != NULL) {
    json_array_foreach(j, i, val) {
      git_index_entry entry;

      memset(&entry, 0, sizeof(entry));
      entry.mode = GIT_FILEMODE_COMMIT;
      git_oid_fromstr(&entry.id, "1234567890123456789012345678901234567890");
      entry.path = json_string_value(val);
      if (rc == 0 && entry.path && git_index_add(index, &entry) != 0)
        rc = fail("submodule", entry.path);
    }
    json_decref(j);
  }
  snprintf(path, sizeof(path), "%s/generated.json", casedir);
  if ((j = json_load_file(path, 0, NULL)) != NULL) {
    json_array_foreach(j, i, val) {
      const char *p = json_string_value(json_object_get(val, "path"));
      const char *repeat = json_string_value(json_object_get(val, "repeat"));
      const char *hex = json_string_value(json_object_get(val, "hex"));
      size_t times = (size_t)json_integer_value(json_object_get(val, "times"));
      char *data = NULL;
      size_t len = 0;

      if (p == NULL || rc != 0)
        continue;
      if (repeat != NULL) {
        size_t rl = strlen(repeat);

        data = malloc(rl * times + 1);
        for (size_t k = 0; data && k < times; k++)
          memcpy(data + k * rl, repeat, rl);
        len = rl * times;
      } else if (hex != NULL) {
        data = malloc(strlen(hex) / 2 + 1);
        for (size_t k = 0; data && hex[2 * k] && hex[2 * k + 1]; k++) {
          unsigned int byte = 0;

          sscanf(hex + 2 * k, "%2x", &byte);
          data[len++] = (char)byte;
        }
      }
      rc = data ? index_add(repo, index, p, data, len, GIT_FILEMODE_BLOB)
                : fail("generated", p);
      free(data);
    }
    json_decref(j);
  }
  return rc;
}

/* Commit the tree of `dir` (plus the extras) on HEAD. */
static int commit_dir(git_repository *repo, const char *casedir,
                      const char *sub, git_oid *out, const git_oid *parent) {
  git_index *index = NULL;
  git_oid tree_id;
  git_tree *tree = NULL;
  git_signature *sig = NULL;
  git_commit *pc = NULL;
  char dir[4096];
  int rc = 0;

  snprintf(dir, sizeof(dir), "%s/%s", casedir, sub);
  if (git_index_new(&index) != 0)
    return fail("index", dir);
  rc = add_dir(repo, index, dir, "");
  if (rc == 0 && strcmp(sub, "repo") == 0)
    rc = add_extras(repo, index, casedir);
  if (rc == 0 && git_index_write_tree_to(&tree_id, index, repo) != 0)
    rc = fail("write tree", dir);
  if (rc == 0 && git_tree_lookup(&tree, repo, &tree_id) != 0)
    rc = fail("tree", dir);
  if (rc == 0 && git_signature_new(&sig, "archmatrix", "test@example.invalid",
                                   1700000000, 0) != 0)
    rc = fail("signature", dir);
  if (rc == 0 && parent && git_commit_lookup(&pc, repo, parent) != 0)
    rc = fail("parent", dir);
  if (rc == 0 && git_commit_create_v(out, repo, "HEAD", sig, sig, NULL,
                                     "fixture", tree, pc ? 1 : 0, pc) != 0)
    rc = fail("commit", dir);
  git_commit_free(pc);
  git_signature_free(sig);
  git_tree_free(tree);
  git_index_free(index);
  return rc;
}

static int make_repo(const char *casedir, const char *repo_path) {
  git_repository *repo = NULL;
  git_oid first;
  git_oid second;
  char next[4096];
  struct stat st;
  int rc;

  if (git_repository_init(&repo, repo_path, 1) != 0)
    return fail("init", repo_path);
  rc = commit_dir(repo, casedir, "repo", &first, NULL);
  snprintf(next, sizeof(next), "%s/repo-next", casedir);
  if (rc == 0 && stat(next, &st) == 0) {
    git_reference *ref = NULL;

    if (git_reference_create(&ref, repo, "refs/tags/first", &first, 0,
                             "fixture") != 0)
      rc = fail("tag", "first");
    git_reference_free(ref);
    if (rc == 0)
      rc = commit_dir(repo, casedir, "repo-next", &second, &first);
  }
  git_repository_free(repo);
  return rc;
}

static const char **strings_of(json_t *arr, size_t *n) {
  const char **v;
  size_t i;
  json_t *val;

  *n = json_array_size(arr);
  v = calloc(*n + 1, sizeof(*v));
  json_array_foreach(arr, i, val) v[i] = json_string_value(val);
  return v;
}

int main(int argc, char **argv) {
  char path[4096];
  char repo_path[4096];
  json_t *args = NULL;
  json_t *expected = NULL;
  json_t *actual = NULL;
  am_source *src = NULL;
  am_source_opts sopts = {0};
  am_scan_opts opts = {0};
  am_scan scan = {0};
  am_err err = {0};
  const char **paths = NULL;
  const char **platforms = NULL;
  const char **k8s_platforms = NULL;
  const char *spec = NULL;
  const char *want_error;
  int rc = 1;

  if (argc != 3) {
    fprintf(stderr, "usage: run_fixture CASE_DIR WORK_DIR\n");
    return 2;
  }
  git_libgit2_init();
  am_path_remove_tree(argv[2]);
  snprintf(repo_path, sizeof(repo_path), "%s/repo.git", argv[2]);
  if (make_repo(argv[1], repo_path) != 0)
    goto done;

  snprintf(path, sizeof(path), "%s/args.json", argv[1]);
  args = json_load_file(path, 0, NULL);
  snprintf(path, sizeof(path), "%s/expected.json", argv[1]);
  expected = json_load_file(path, 0, NULL);
  if (args != NULL) {
    paths = strings_of(json_object_get(args, "paths"), &opts.npaths);
    platforms =
        strings_of(json_object_get(args, "platforms"), &opts.nplatforms);
    opts.paths = paths;
    opts.platforms = platforms;
    opts.k8s_registry = json_string_value(json_object_get(args, "registry"));
    opts.k8s_off = json_is_false(json_object_get(args, "k8s"));
    k8s_platforms = strings_of(json_object_get(args, "k8s_platforms"),
                               &opts.nk8s_platforms);
    opts.k8s_platforms = k8s_platforms;
    sopts.ref = json_string_value(json_object_get(args, "ref"));
    spec = json_string_value(json_object_get(args, "source"));
  }
  snprintf(path, sizeof(path), "%s/cache", argv[2]);
  sopts.cache_dir = path;
  if (spec != NULL && strcmp(spec, "missing") == 0) {
    snprintf(repo_path, sizeof(repo_path), "%s/no-such-repo", argv[2]);
  }
  want_error = json_string_value(json_object_get(expected, "error"));

  rc = am_source_open(&src, repo_path, &sopts, &err);
  if (rc == 0)
    rc = am_scan_source(&scan, src, &opts, &err);
  if (want_error != NULL) {
    if (rc == 0 || strstr(err.msg, want_error) == NULL) {
      fprintf(stderr, "expected an error holding '%s', got %d '%s'\n",
              want_error, rc, err.msg);
      rc = 1;
    } else {
      printf("failed as expected: %s\n", err.msg);
      rc = 0;
    }
    goto done;
  }
  if (rc != 0) {
    fprintf(stderr, "scan failed: %s\n", err.msg);
    rc = 1;
    goto done;
  }

  actual = am_scan_to_json(&scan);
  if (expected == NULL || json_object_get(expected, "source") == NULL)
    json_object_del(actual, "source");
  else if (json_object_get(json_object_get(expected, "source"), "commit") ==
           NULL)
    json_object_del(json_object_get(actual, "source"), "commit");
  snprintf(path, sizeof(path), "%s/actual.json", argv[2]);
  json_dump_file(actual, path, JSON_INDENT(2));
  if (getenv("AM_FIXTURE_UPDATE") != NULL) {
    snprintf(path, sizeof(path), "%s/expected.json", argv[1]);
    json_dump_file(actual, path, JSON_INDENT(2));
    rc = 0;
    goto done;
  }
  if (expected == NULL || !json_equal(expected, actual)) {
    char *a = json_dumps(actual, JSON_INDENT(2));

    fprintf(stderr, "mismatch with %s/expected.json; got:\n%s\n", argv[1],
            a ? a : "(null)");
    free(a);
    rc = 1;
    goto done;
  }
  printf("ok: %zu references, %zu targets, %zu unresolved\n", scan.nrefs,
         scan.ntargets, scan.nunresolved);
  rc = 0;

done:
  am_scan_free(&scan);
  am_source_free(src);
  json_decref(args);
  json_decref(expected);
  json_decref(actual);
  free(paths);
  free(platforms);
  free(k8s_platforms);
  git_libgit2_shutdown();
  return rc;
}
