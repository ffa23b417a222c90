/* SPDX-License-Identifier: MIT */
/* The source stage: open a local repository or a bare mirror of a remote
 * one, resolve a ref, and walk a commit's tree from the object database. */
#include "source/source.h"

#include "util/log.h"
#include "util/path.h"
#include "util/strv.h"
#include "util/tmpdir.h"

#include <git2.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bounds for an untrusted tree: how deep a walk goes, how long a path may
 * grow, and how many entries one walk visits before it gives up. */
#define WALK_MAX_DEPTH 128
#define WALK_MAX_PATH 4096
#define WALK_MAX_ENTRIES 2000000

struct am_source {
  git_repository *repo;
  git_commit *commit;
  git_tree *tree;
  char *spec;
  char commit_hex[GIT_OID_HEXSZ + 1];
};

/* The last libgit2 error as one line, or a fallback. */
static const char *git_message(void) {
  const git_error *e = git_error_last();

  return e && e->message ? e->message : "unknown libgit2 error";
}

/* True when `spec` names a remote rather than a local folder: a URL with a
 * scheme, or the scp form user@host:path when no such local path exists. */
static int spec_is_url(const char *spec) {
  const char *colon = strchr(spec, ':');
  const char *slash = strchr(spec, '/');
  struct stat st;

  if (strstr(spec, "://") != NULL)
    return 1;
  if (colon != NULL && (slash == NULL || colon < slash) &&
      strchr(spec, '@') != NULL && stat(spec, &st) != 0)
    return 1;
  return 0;
}

/* The userinfo of a source URL ("user:password@"), percent-decoded. It
 * stays in memory for the fetch only: the URL that is kept, printed and
 * written to the mirror's config has none. */
typedef struct url_userinfo {
  char *user;     /* NULL: the URL has no userinfo */
  char *password; /* NULL: no ':' in the userinfo */
  bool offered;   /* the user and password went to libgit2 once */
} url_userinfo;

static void userinfo_clear(url_userinfo *ui) {
  am_scrub_free(ui->user);
  am_scrub_free(ui->password);
  memset(ui, 0, sizeof(*ui));
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* A copy of s[0..len) with %XX sequences decoded, as libgit2 would read
 * them from the URL. NULL when out of memory. */
static char *percent_decode(const char *s, size_t len) {
  char *out = malloc(len + 1);
  size_t n = 0;

  if (out == NULL)
    return NULL;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '%' && i + 2 < len && hex_value(s[i + 1]) >= 0 &&
        hex_value(s[i + 2]) >= 0) {
      out[n++] = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
      continue;
    }
    out[n++] = s[i];
  }
  out[n] = '\0';
  return out;
}

/*
 * Split `spec` into the URL kept and shown, which has no userinfo, and
 * the userinfo itself (into `ui` when not NULL). Only "scheme://" URLs
 * lose their userinfo, user name included, since a token is often given
 * as the user name (https://TOKEN@host/...); the scp form user@host:path
 * keeps its login name, which cannot carry a password. Returns a copy
 * the caller frees, NULL when out of memory.
 */
static char *split_userinfo(const char *spec, url_userinfo *ui) {
  const char *scheme_end = strstr(spec, "://");
  const char *authority = NULL;
  const char *at = NULL;
  const char *colon = NULL;
  size_t authority_len = 0;
  char *clean = NULL;

  if (scheme_end == NULL)
    return am_strdup(spec);
  authority = scheme_end + 3;
  authority_len = strcspn(authority, "/?#");
  /* The last '@': an unencoded one inside a password is still userinfo. */
  for (const char *p = authority; p < authority + authority_len; p++) {
    if (*p == '@')
      at = p;
  }
  if (at == NULL)
    return am_strdup(spec);
  clean = am_asprintf("%.*s%s", (int)(authority - spec), spec, at + 1);
  if (clean == NULL || ui == NULL)
    return clean;
  colon = memchr(authority, ':', (size_t)(at - authority));
  ui->user =
      percent_decode(authority, (size_t)((colon ? colon : at) - authority));
  if (colon != NULL)
    ui->password = percent_decode(colon + 1, (size_t)(at - colon - 1));
  if (ui->user == NULL || (colon != NULL && ui->password == NULL)) {
    userinfo_clear(ui);
    free(clean);
    return NULL;
  }
  return clean;
}

char *am_source_display_url(const char *spec) {
  return spec ? split_userinfo(spec, NULL) : NULL;
}

/* libgit2 asks for credentials: the server answered 401, or ssh wants a
 * user name. The URL's own user and password are offered once; asked
 * again, they were refused. */
static int url_credentials(git_credential **out, const char *url,
                           const char *user_from_url, unsigned int allowed,
                           void *payload) {
  url_userinfo *ui = payload;

  (void)url;
  (void)user_from_url;
  if ((ui == NULL || ui->user == NULL) &&
      (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT)) {
    git_error_set_str(GIT_ERROR_NET, "the server asks for a user name and "
                                     "password, and the URL holds none");
    return GIT_EAUTH;
  }
  if (ui == NULL || ui->user == NULL)
    return GIT_PASSTHROUGH;
  if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
    if (ui->offered) {
      git_error_set_str(GIT_ERROR_NET,
                        "the user name and password in the URL were refused");
      return GIT_EAUTH;
    }
    ui->offered = true;
    return git_credential_userpass_plaintext_new(
        out, ui->user, ui->password ? ui->password : "");
  }
  if (allowed & GIT_CREDENTIAL_USERNAME)
    return git_credential_username_new(out, ui->user);
  return GIT_PASSTHROUGH;
}

/* mkdir -p, for the cache folder. */
static int make_dirs(const char *path, am_err *err) {
  char *copy = am_strdup(path);
  int rc = AM_OK;

  if (copy == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  for (char *p = copy + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
      rc = am_err_set(err, AM_EIO, "cannot create %s: %s", copy,
                      strerror(errno));
      goto done;
    }
    *p = '/';
  }
  if (mkdir(copy, 0777) != 0 && errno != EEXIST)
    rc = am_err_set(err, AM_EIO, "cannot create %s: %s", copy, strerror(errno));

done:
  free(copy);
  return rc;
}

/* The mirror folder for a URL: a readable stem plus a hash of the whole
 * URL, so two URLs never share a mirror and the name stays short. */
static char *mirror_path(const char *cache_dir, const char *url) {
  uint64_t hash = 1469598103934665603ULL;
  char stem[48];
  size_t n = 0;
  const char *base = strrchr(url, '/');

  for (const char *p = url; *p; p++) {
    hash ^= (unsigned char)*p;
    hash *= 1099511628211ULL;
  }
  base = base && base[1] ? base + 1 : url;
  for (const char *p = base; *p && n + 1 < sizeof(stem); p++) {
    char c = *p;

    stem[n++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_'
                    ? c
                    : '_';
  }
  stem[n] = '\0';
  return am_asprintf("%s/git/%s-%016llx.git", cache_dir, stem,
                     (unsigned long long)hash);
}

/* A mirror's remote fetches every ref to the same name. */
static int create_mirror_remote(git_remote **out, git_repository *repo,
                                const char *name, const char *url,
                                void *payload) {
  (void)payload;
  return git_remote_create_with_fetchspec(out, repo, name, url,
                                          "+refs/*:refs/*");
}

/* Point the mirror's HEAD at the remote's default branch, which may have
 * changed since the clone. Failing to learn it keeps the old HEAD. */
static void follow_remote_head(git_repository *repo, git_remote *remote) {
  git_buf branch = {0};

  if (git_remote_default_branch(&branch, remote) == 0 && branch.ptr != NULL)
    git_repository_set_head(repo, branch.ptr);
  git_buf_dispose(&branch);
}

/* Fetch what is new into an existing mirror; `ui` (NULL: none) answers
 * the server's request for credentials. */
static int fetch_mirror(git_repository *repo, const char *url, url_userinfo *ui,
                        am_err *err) {
  git_remote *remote = NULL;
  git_fetch_options fetch;
  int rc = AM_OK;

  git_fetch_options_init(&fetch, GIT_FETCH_OPTIONS_VERSION);

  if (git_remote_lookup(&remote, repo, "origin") != 0) {
    rc = am_err_set(err, AM_EIO, "%s: mirror has no origin: %s", url,
                    git_message());
    goto done;
  }
  fetch.prune = GIT_FETCH_PRUNE;
  fetch.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
  fetch.callbacks.credentials = url_credentials;
  fetch.callbacks.payload = ui;
  /* Credentials from the URL are for its host alone: no redirect to
   * another one, where they would be offered too. */
  if (ui != NULL && ui->user != NULL)
    fetch.follow_redirects = GIT_REMOTE_REDIRECT_NONE;
  am_log(AM_LOG_INFO, "%s: fetching into mirror", url);
  if (git_remote_fetch(remote, NULL, &fetch, "archmatrix fetch") != 0) {
    rc = am_err_set(err, AM_EIO, "cannot fetch %s: %s", url, git_message());
    goto done;
  }
  follow_remote_head(repo, remote);

done:
  git_remote_free(remote);
  return rc;
}

/* Clone `url` as a bare mirror into a temporary folder beside `path`, then
 * rename it into place, so an interrupted clone never looks like a
 * mirror. The clone is an init plus the same fetch later runs do, so HEAD
 * follows the remote's default branch (git_clone would guess it through
 * the remote-tracking names a mirror does not have). */
static int clone_mirror(git_repository **out, const char *url, const char *path,
                        url_userinfo *ui, am_err *err) {
  git_repository *repo = NULL;
  git_remote *remote = NULL;
  char *tmp = am_asprintf("%s.tmp-%ld", path, (long)getpid());
  int rc = AM_OK;

  *out = NULL;
  if (tmp == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  am_log(AM_LOG_INFO, "%s: cloning into %s", url, path);
  am_path_remove_tree(tmp);
  am_tmpdir_add(tmp); /* removed if the run is interrupted */
  if (git_repository_init(&repo, tmp, 1) != 0 ||
      create_mirror_remote(&remote, repo, "origin", url, NULL) != 0) {
    rc = am_err_set(err, AM_EIO, "cannot clone %s: %s", url, git_message());
    goto done;
  }
  rc = fetch_mirror(repo, url, ui, err);
  if (rc != AM_OK) {
    am_err_set(err, rc, "cannot clone %s: %s", url, git_message());
    goto done;
  }
  git_repository_free(repo);
  repo = NULL;
  am_tmpdir_lock();
  if (rename(tmp, path) != 0) {
    int rename_errno = errno;

    am_tmpdir_unlock();
    /* Another run cloned the same URL meanwhile and renamed first: use its
     * mirror (the done label removes ours), brought up to date. */
    if ((rename_errno == ENOTEMPTY || rename_errno == EEXIST) &&
        git_repository_open_bare(out, path) == 0) {
      am_log(AM_LOG_INFO,
             "%s: another run put its mirror in %s first; using it", url, path);
      am_path_remove_tree(tmp);
      rc = fetch_mirror(*out, url, ui, err);
      goto done;
    }
    rc = am_err_set(err, AM_EIO, "cannot move mirror into %s: %s", path,
                    strerror(rename_errno));
    goto done;
  }
  am_tmpdir_unlock();
  if (git_repository_open_bare(out, path) != 0)
    rc = am_err_set(err, AM_EIO, "cannot open mirror %s: %s", path,
                    git_message());

done:
  git_remote_free(remote);
  git_repository_free(repo);
  if (rc != AM_OK && tmp != NULL)
    am_path_remove_tree(tmp);
  if (tmp != NULL)
    am_tmpdir_forget(tmp);
  free(tmp);
  return rc;
}

/* Open the mirror of `url` (without userinfo: its folder name and config
 * hold no secret), cloning it the first time. */
static int open_remote(git_repository **out, const char *url, url_userinfo *ui,
                       const am_source_opts *opts, am_err *err) {
  char *fallback = NULL;
  char *path = NULL;
  char *gitdir = NULL;
  const char *cache = opts ? opts->cache_dir : NULL;
  struct stat st;
  int rc = AM_OK;

  *out = NULL;
  if (cache == NULL || *cache == '\0') {
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");

    if (xdg && *xdg)
      fallback = am_asprintf("%s/archmatrix", xdg);
    else
      fallback = am_asprintf("%s/.cache/archmatrix", home ? home : "/tmp");
    cache = fallback;
  }
  path = cache ? mirror_path(cache, url) : NULL;
  gitdir = cache ? am_asprintf("%s/git", cache) : NULL;
  if (path == NULL || gitdir == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  if ((rc = make_dirs(gitdir, err)) != AM_OK)
    goto done;

  if (stat(path, &st) == 0) {
    if (git_repository_open_bare(out, path) != 0) {
      rc = am_err_set(err, AM_EIO, "cannot open mirror %s: %s", path,
                      git_message());
      goto done;
    }
    rc = fetch_mirror(*out, url, ui, err);
  } else {
    rc = clone_mirror(out, url, path, ui, err);
  }

done:
  if (rc != AM_OK) {
    git_repository_free(*out);
    *out = NULL;
  }
  free(fallback);
  free(path);
  free(gitdir);
  return rc;
}

/* Resolve `ref` (NULL: HEAD) to a commit. */
static int resolve_commit(am_source *src, const char *ref, am_err *err) {
  git_object *obj = NULL;
  git_object *peeled = NULL;
  const char *spec = ref && *ref ? ref : "HEAD";
  int rc = AM_OK;

  if (git_revparse_single(&obj, src->repo, spec) != 0) {
    rc = am_err_set(err, AM_ENOTFOUND, "%s: unknown ref %s", src->spec, spec);
    goto done;
  }
  if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0) {
    rc = am_err_set(err, AM_ENOTFOUND, "%s: ref %s is not a commit", src->spec,
                    spec);
    goto done;
  }
  src->commit = (git_commit *)peeled;
  peeled = NULL;
  if (git_commit_tree(&src->tree, src->commit) != 0) {
    rc = am_err_set(err, AM_EIO, "%s: cannot read tree of %s: %s", src->spec,
                    spec, git_message());
    goto done;
  }
  git_oid_tostr(src->commit_hex, sizeof(src->commit_hex),
                git_commit_id(src->commit));

done:
  git_object_free(obj);
  git_object_free(peeled);
  return rc;
}

int am_source_open(am_source **out, const char *spec,
                   const am_source_opts *opts, am_err *err) {
  am_source *src = NULL;
  url_userinfo ui = {0};
  struct stat st;
  int rc = AM_OK;

  *out = NULL;
  if (spec == NULL || *spec == '\0')
    return am_err_set(err, AM_EUSAGE, "no source given");
  git_libgit2_init();
  src = calloc(1, sizeof(*src));
  if (src == NULL || (src->spec = split_userinfo(spec, &ui)) == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }

  if (spec_is_url(spec)) {
    rc = open_remote(&src->repo, src->spec, &ui, opts, err);
    if (rc != AM_OK)
      goto done;
  } else if (stat(spec, &st) != 0) {
    rc = am_err_set(err, AM_ENOTFOUND, "%s: no such repository: %s", src->spec,
                    strerror(errno));
    goto done;
  } else if (git_repository_open_ext(
                 &src->repo, spec, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0) {
    rc = am_err_set(err, AM_ENOTFOUND, "%s: not a git repository", src->spec);
    goto done;
  }
  rc = resolve_commit(src, opts ? opts->ref : NULL, err);

done:
  userinfo_clear(&ui);
  if (rc != AM_OK) {
    am_source_free(src);
    src = NULL;
  }
  *out = src;
  return rc;
}

const char *am_source_url(const am_source *src) {
  return src ? src->spec : NULL;
}

const char *am_source_commit(const am_source *src) {
  return src ? src->commit_hex : NULL;
}

/* State shared by one walk. */
typedef struct walk_state {
  am_source *src;
  am_source_visit visit;
  void *ud;
  am_err *err;
  size_t entries;
  char path[WALK_MAX_PATH];
} walk_state;

static am_entry_kind entry_kind(git_filemode_t mode) {
  switch (mode) {
  case GIT_FILEMODE_TREE:
    return AM_ENTRY_DIR;
  case GIT_FILEMODE_LINK:
    return AM_ENTRY_SYMLINK;
  case GIT_FILEMODE_COMMIT:
    return AM_ENTRY_SUBMODULE;
  default:
    return AM_ENTRY_FILE;
  }
}

static int visit_tree(walk_state *ws, const git_tree *tree, size_t plen,
                      int depth);

/* Hand one entry to the visitor, and descend when it is a folder. The path
 * buffer holds the entry's path while the visitor runs. */
static int visit_entry(walk_state *ws, const git_tree_entry *te, size_t plen,
                       int depth) {
  const char *name = git_tree_entry_name(te);
  size_t nlen = strlen(name);
  size_t start = plen ? plen + 1 : 0;
  am_entry entry = {0};
  git_tree *sub = NULL;
  int rc = AM_OK;

  if (++ws->entries > WALK_MAX_ENTRIES)
    return am_err_set(ws->err, AM_ETOOBIG,
                      "%s: more than %d tree entries, walk stopped",
                      ws->src->spec, WALK_MAX_ENTRIES);
  if (start + nlen + 1 > sizeof(ws->path)) {
    am_log(AM_LOG_WARN, "%s: path too long under %.*s, skipped", ws->src->spec,
           (int)plen, ws->path);
    return AM_OK;
  }
  if (plen)
    ws->path[plen] = '/';
  memcpy(ws->path + start, name, nlen + 1);

  entry.path = ws->path;
  entry.name = ws->path + start;
  entry.kind = entry_kind(git_tree_entry_filemode(te));
  entry.oid = git_tree_entry_id(te);

  rc = ws->visit(ws->src, &entry, ws->ud);
  if (rc < 0)
    goto done;
  if (entry.kind != AM_ENTRY_DIR || rc > 0) {
    rc = AM_OK;
    goto done;
  }
  if (depth >= WALK_MAX_DEPTH) {
    am_log(AM_LOG_WARN, "%s: %s nests too deep, not walked", ws->src->spec,
           ws->path);
    goto done;
  }
  if (git_tree_lookup(&sub, ws->src->repo, git_tree_entry_id(te)) != 0) {
    rc = am_err_set(ws->err, AM_EIO, "%s: cannot read tree %s: %s",
                    ws->src->spec, ws->path, git_message());
    goto done;
  }
  rc = visit_tree(ws, sub, start + nlen, depth + 1);

done:
  git_tree_free(sub);
  ws->path[plen] = '\0';
  return rc;
}

size_t am_source_entry_size(am_source *src, const am_entry *entry) {
  git_odb *odb = NULL;
  git_object_t type = GIT_OBJECT_INVALID;
  size_t size = 0;

  if (entry->kind != AM_ENTRY_FILE)
    return 0;
  if (git_repository_odb(&odb, src->repo) != 0 ||
      git_odb_read_header(&size, &type, odb, entry->oid) != 0)
    size = 0;
  git_odb_free(odb);
  return size;
}

static int visit_tree(walk_state *ws, const git_tree *tree, size_t plen,
                      int depth) {
  size_t n = git_tree_entrycount(tree);

  for (size_t i = 0; i < n; i++) {
    int rc = visit_entry(ws, git_tree_entry_byindex(tree, i), plen, depth);

    if (rc < 0)
      return rc;
  }
  return AM_OK;
}

/* What a symlink or submodule at a path is called in a message, or NULL
 * for anything the walk can enter. */
static const char *unfollowed_kind(const git_tree_entry *te) {
  switch (git_tree_entry_filemode(te)) {
  case GIT_FILEMODE_LINK:
    return "a symbolic link";
  case GIT_FILEMODE_COMMIT:
    return "a submodule";
  default:
    return NULL;
  }
}

/* The error for a --path the tree does not hold: say so, or, when a folder
 * on the way is a symlink or submodule, name that instead. */
static int missing_path_error(walk_state *ws, const char *clean) {
  char prefix[WALK_MAX_PATH];

  for (const char *slash = strchr(clean, '/'); slash != NULL;
       slash = strchr(slash + 1, '/')) {
    git_tree_entry *te = NULL;
    const char *kind = NULL;
    size_t n = (size_t)(slash - clean);

    memcpy(prefix, clean, n);
    prefix[n] = '\0';
    if (git_tree_entry_bypath(&te, ws->src->tree, prefix) != 0)
      break;
    kind = unfollowed_kind(te);
    git_tree_entry_free(te);
    if (kind != NULL)
      return am_err_set(ws->err, AM_EINVALID,
                        "%s: path %s is inside %s, %s, which is not followed",
                        ws->src->spec, clean, prefix, kind);
  }
  return am_err_set(ws->err, AM_ENOTFOUND, "%s: no path %s in commit %s",
                    ws->src->spec, clean, ws->src->commit_hex);
}

/* Walk one --path: a folder's subtree, or a single entry. A symlink or
 * submodule is an error: scanning it would find nothing, silently. */
static int walk_subpath(walk_state *ws, const char *sub) {
  git_tree_entry *te = NULL;
  git_tree *tree = NULL;
  char *clean = am_path_clean(sub);
  size_t len = 0;
  int rc = AM_OK;

  if (clean == NULL)
    return am_err_set(ws->err, AM_ENOMEM, "out of memory");
  if (*clean == '\0') {
    rc = visit_tree(ws, ws->src->tree, 0, 0);
    goto done;
  }
  len = strlen(clean);
  if (len + 1 > sizeof(ws->path)) {
    rc = am_err_set(ws->err, AM_EUSAGE, "path too long: %s", sub);
    goto done;
  }
  if (git_tree_entry_bypath(&te, ws->src->tree, clean) != 0) {
    rc = missing_path_error(ws, clean);
    goto done;
  }
  if (unfollowed_kind(te) != NULL) {
    rc = am_err_set(ws->err, AM_EINVALID,
                    "%s: path %s is %s, which is not followed", ws->src->spec,
                    clean, unfollowed_kind(te));
    goto done;
  }
  if (git_tree_entry_filemode(te) != GIT_FILEMODE_TREE) {
    /* A single entry: visit it under its parent's path. */
    const char *slash = strrchr(clean, '/');
    size_t plen = slash ? (size_t)(slash - clean) : 0;

    memcpy(ws->path, clean, plen);
    ws->path[plen] = '\0';
    rc = visit_entry(ws, te, plen, 0);
    goto done;
  }
  if (git_tree_lookup(&tree, ws->src->repo, git_tree_entry_id(te)) != 0) {
    rc = am_err_set(ws->err, AM_EIO, "%s: cannot read tree %s: %s",
                    ws->src->spec, clean, git_message());
    goto done;
  }
  memcpy(ws->path, clean, len + 1);
  rc = visit_tree(ws, tree, len, 1);

done:
  git_tree_entry_free(te);
  git_tree_free(tree);
  free(clean);
  return rc;
}

int am_source_walk(am_source *src, const char *const *paths, size_t npaths,
                   am_source_visit visit, void *ud, am_err *err) {
  walk_state *ws = NULL;
  int rc = AM_OK;

  if (src == NULL || visit == NULL)
    return am_err_set(err, AM_EUSAGE, "nothing to walk");
  ws = calloc(1, sizeof(*ws));
  if (ws == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  ws->src = src;
  ws->visit = visit;
  ws->ud = ud;
  ws->err = err;

  if (npaths == 0) {
    rc = visit_tree(ws, src->tree, 0, 0);
    goto done;
  }
  for (size_t i = 0; i < npaths && rc == AM_OK; i++)
    rc = walk_subpath(ws, paths[i]);

done:
  free(ws);
  return rc;
}

bool am_source_has_file(am_source *src, const char *path) {
  git_tree_entry *te = NULL;
  bool found = false;

  if (src == NULL || path == NULL || *path == '\0')
    return false;
  if (git_tree_entry_bypath(&te, src->tree, path) == 0) {
    git_filemode_t mode = git_tree_entry_filemode(te);

    found = mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
  }
  git_tree_entry_free(te);
  return found;
}

void am_source_entry_id(const am_entry *entry, char out[AM_SOURCE_ID_SIZE]) {
  out[0] = '\0';
  if (entry && entry->oid)
    git_oid_tostr(out, AM_SOURCE_ID_SIZE, (const git_oid *)entry->oid);
}

/* Read a blob by its oid, refusing one over `max` before loading it. */
static int read_blob(am_source *src, const git_oid *oid, const char *what,
                     size_t max, char **data, size_t *len, am_err *err) {
  git_odb *odb = NULL;
  git_odb_object *obj = NULL;
  git_object_t type = GIT_OBJECT_INVALID;
  size_t size = 0;
  char *copy = NULL;
  int rc = AM_OK;

  *data = NULL;
  *len = 0;
  if (git_repository_odb(&odb, src->repo) != 0 ||
      git_odb_read_header(&size, &type, odb, oid) != 0) {
    rc = am_err_set(err, AM_EIO, "%s: cannot read %s: %s", src->spec, what,
                    git_message());
    goto done;
  }
  if (type != GIT_OBJECT_BLOB) {
    rc = am_err_set(err, AM_EINVALID, "%s: %s is not a file", src->spec, what);
    goto done;
  }
  if (max > 0 && size > max) {
    rc = am_err_set(err, AM_ETOOBIG, "%s: %s is %zu bytes, over %zu", src->spec,
                    what, size, max);
    goto done;
  }
  /* Straight from the object database: a blob lookup would also parse it
   * into an object and put it in the repository's cache, for one read. */
  if (git_odb_read(&obj, odb, oid) != 0) {
    rc = am_err_set(err, AM_EIO, "%s: cannot read %s: %s", src->spec, what,
                    git_message());
    goto done;
  }
  size = git_odb_object_size(obj);
  copy = malloc(size + 1);
  if (copy == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  memcpy(copy, git_odb_object_data(obj), size);
  copy[size] = '\0';
  *data = copy;
  *len = size;

done:
  git_odb_object_free(obj);
  git_odb_free(odb);
  return rc;
}

int am_source_read(am_source *src, const am_entry *entry, size_t max,
                   char **data, size_t *len, am_err *err) {
  *data = NULL;
  *len = 0;
  if (src == NULL || entry == NULL || entry->oid == NULL)
    return am_err_set(err, AM_EUSAGE, "nothing to read");
  return read_blob(src, (const git_oid *)entry->oid, entry->path, max, data,
                   len, err);
}

int am_source_read_id(am_source *src, const char *id, const char *what,
                      size_t max, char **data, size_t *len, am_err *err) {
  git_oid oid;

  *data = NULL;
  *len = 0;
  if (src == NULL || id == NULL || git_oid_fromstr(&oid, id) != 0)
    return am_err_set(err, AM_EUSAGE, "bad object id");
  return read_blob(src, &oid, what ? what : id, max, data, len, err);
}

void am_source_free(am_source *src) {
  if (src == NULL)
    return;
  git_tree_free(src->tree);
  git_commit_free(src->commit);
  git_repository_free(src->repo);
  free(src->spec);
  free(src);
  git_libgit2_shutdown();
}
