// SPDX-License-Identifier: MIT
// The ctemplate bridge: the only C++ in archmatrix. Every value is escaped
// by the AUTOESCAPE pragma of the template it lands in, never here.
#include "report/tpl.h"

#include <ctemplate/template.h>
#include <ctemplate/template_cache.h>
#include <ctemplate/template_dictionary.h>

#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <sys/stat.h>
#include <unordered_map>

using ctemplate::TemplateCache;
using ctemplate::TemplateDictionary;

struct am_tpl {
  TemplateCache cache;
  std::string dir;
};

static TemplateDictionary *D(am_tpl_dict *d) {
  return reinterpret_cast<TemplateDictionary *>(d);
}

static am_tpl_dict *C(TemplateDictionary *d) {
  return reinterpret_cast<am_tpl_dict *>(d);
}

/*
 * The key for a variable or section name, with its ctemplate id computed
 * once. A plain string key costs a hash of the name and an insertion into
 * ctemplate's global id-to-name map, under its lock, on every SetValue;
 * that was a fifth of a 5,000-page render. Names are interned for the life
 * of the process (the global map keeps pointers to them); each thread keeps
 * its own pointer cache, so a lookup takes no lock.
 */
static ctemplate::TemplateString key_of(const char *name) {
  using ctemplate::StaticTemplateString;
  static std::mutex mu;
  static auto *interned =
      new std::unordered_map<std::string, StaticTemplateString>();
  thread_local std::unordered_map<const char *, const StaticTemplateString *>
      cache;
  auto hit = cache.find(name);

  if (hit != cache.end() &&
      strcmp(hit->second->do_not_use_directly_.ptr_, name) == 0)
    return ctemplate::TemplateString(*hit->second);
  std::lock_guard<std::mutex> hold(mu);
  auto it = interned->find(name);
  if (it == interned->end()) {
    it = interned->emplace(name, StaticTemplateString()).first;
    it->second.do_not_use_directly_.ptr_ = it->first.c_str();
    it->second.do_not_use_directly_.length_ = it->first.size();
    it->second.do_not_use_directly_.id_ = 0;
    ctemplate::StaticTemplateStringInitializer init(&it->second);
  }
  cache[name] = &it->second;
  return ctemplate::TemplateString(it->second);
}

am_tpl *am_tpl_new(const char *dir) {
  am_tpl *tpl = new (std::nothrow) am_tpl;

  if (tpl == nullptr)
    return nullptr;
  try {
    tpl->dir = dir;
    tpl->cache.SetTemplateRootDirectory(tpl->dir);
  } catch (...) {
    delete tpl;
    return nullptr;
  }
  return tpl;
}

void am_tpl_free(am_tpl *tpl) {
  delete tpl;
}

am_tpl_dict *am_tpl_dict_new(const char *name) {
  try {
    return C(new TemplateDictionary(name));
  } catch (...) {
    return nullptr;
  }
}

void am_tpl_dict_free(am_tpl_dict *dict) {
  delete D(dict);
}

void am_tpl_set(am_tpl_dict *dict, const char *key, const char *value) {
  D(dict)->SetValue(key_of(key), value ? value : "");
}

void am_tpl_set_int(am_tpl_dict *dict, const char *key, long value) {
  D(dict)->SetIntValue(key_of(key), value);
}

/* True when every conversion of `fmt` is %s, %.<digits>s, %.*s or %%. */
static bool strings_only(const char *fmt) {
  for (const char *p = fmt; (p = strchr(p, '%')) != nullptr;) {
    p++;
    if (*p == '.') {
      p++;
      if (*p == '*') {
        p++;
      } else {
        if (!isdigit((unsigned char)*p))
          return false;
        while (isdigit((unsigned char)*p))
          p++;
      }
      if (*p != 's')
        return false;
    } else if (*p != 's' && *p != '%') {
      return false;
    }
    p++;
  }
  return true;
}

/*
 * Format `fmt` (strings_only) into `out` of `size` bytes as vsnprintf
 * would, without its machinery: most values of a page are a string or two
 * glued to a literal, and vsnprintf cost a tenth of a render. Returns the
 * length of the whole result, which may not have fit.
 */
static size_t format_strings(char *out, size_t size, const char *fmt,
                             va_list ap) {
  size_t n = 0;

  for (const char *p = fmt; *p;) {
    const char *pct = strchr(p, '%');
    const char *s = nullptr;
    size_t len = pct ? (size_t)(pct - p) : strlen(p);
    long prec = -1;

    if (n < size)
      memcpy(out + n, p, len < size - n ? len : size - n);
    n += len;
    if (pct == nullptr)
      break;
    p = pct + 1;
    if (*p == '%') {
      s = "%";
    } else {
      if (*p == '.') {
        p++;
        if (*p == '*') {
          prec = va_arg(ap, int);
          p++;
        } else {
          prec = 0;
          while (isdigit((unsigned char)*p))
            prec = prec * 10 + (*p++ - '0');
        }
      }
      s = va_arg(ap, const char *);
      if (s == nullptr) /* as glibc prints it */
        s = prec < 0 || prec >= 6 ? "(null)" : "";
    }
    p++;
    len = prec < 0 ? strlen(s) : strnlen(s, (size_t)prec);
    if (n < size)
      memcpy(out + n, s, len < size - n ? len : size - n);
    n += len;
  }
  return n;
}

void am_tpl_setf(am_tpl_dict *dict, const char *key, const char *fmt, ...) {
  char small[256];
  va_list ap;
  size_t n = 0;

  if (strings_only(fmt)) {
    va_start(ap, fmt);
    n = format_strings(small, sizeof(small), fmt, ap);
    va_end(ap);
  } else {
    int k = 0;

    va_start(ap, fmt);
    k = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (k < 0)
      return;
    n = (size_t)k;
  }
  if (n < sizeof(small)) {
    D(dict)->SetValue(key_of(key), ctemplate::TemplateString(small, n));
    return;
  }
  std::string big(n + 1, '\0');
  va_start(ap, fmt);
  vsnprintf(&big[0], big.size(), fmt, ap);
  va_end(ap);
  D(dict)->SetValue(key_of(key), ctemplate::TemplateString(big.data(), n));
}

am_tpl_dict *am_tpl_section(am_tpl_dict *dict, const char *name) {
  return C(D(dict)->AddSectionDictionary(key_of(name)));
}

void am_tpl_show(am_tpl_dict *dict, const char *name) {
  D(dict)->ShowSection(key_of(name));
}

void am_tpl_show_if(am_tpl_dict *dict, const char *name, int on) {
  if (on)
    D(dict)->ShowSection(key_of(name));
}

am_tpl_dict *am_tpl_include(am_tpl_dict *dict, const char *name,
                            const char *file) {
  TemplateDictionary *inc = D(dict)->AddIncludeDictionary(key_of(name));

  inc->SetFilename(file);
  return C(inc);
}

int am_tpl_expand(am_tpl *tpl, const char *file, const am_tpl_dict *dict,
                  am_buf *out, am_err *err) {
  std::string text;
  std::string path = tpl->dir + "/" + file;
  struct stat st;

  // ctemplate reports a missing or broken file only on stderr; check first
  // so the caller gets a message of its own.
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return am_err_set(err, AM_ENOTFOUND, "template %s: not found",
                      path.c_str());
  // Markdown needs its blank lines; HTML and SVG read better without.
  size_t n = std::string(file).size();
  bool markdown = n > 7 && std::string(file).compare(n - 7, 7, ".md.tpl") == 0;
  ctemplate::Strip strip =
      markdown ? ctemplate::DO_NOT_STRIP : ctemplate::STRIP_BLANK_LINES;

  try {
    if (!tpl->cache.ExpandWithData(
            file, strip, reinterpret_cast<const TemplateDictionary *>(dict),
            nullptr, &text))
      return am_err_set(err, AM_EINVALID, "template %s: cannot expand",
                        path.c_str());
  } catch (const std::bad_alloc &) {
    return am_err_set(err, AM_ENOMEM, "template %s: out of memory",
                      path.c_str());
  } catch (...) {
    return am_err_set(err, AM_ERROR, "template %s: cannot expand",
                      path.c_str());
  }
  if (am_buf_append(out, text.data(), text.size()) != AM_OK)
    return am_err_set(err, AM_ENOMEM, "template %s: output too big",
                      path.c_str());
  return AM_OK;
}
