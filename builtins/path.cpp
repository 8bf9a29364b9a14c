// node:path (POSIX flavour): path.posix and the default export are the same
// object. The algorithms follow Node's lib/path.js so that edge cases
// (trailing slashes, "..", leading "//", dotfiles) give the same strings.
// Strings are handled as UTF-16, like JS strings, so no code unit changes.
#include <unistd.h>

#include <climits>
#include <string>

#include "builtins/builtins.h"
#include "builtins/host_modules.h"
#include "engine/conversions.h"
#include "engine/strings.h"

namespace kiln {

namespace {

using U16 = std::u16string;

// validateString(value, name), with Node's message and code.
bool validateString(VM& vm, Value v, std::string_view name) {
  if (v.isString()) return true;
  throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE",
                 "The \"" + std::string(name) + "\" argument must be of type string." + describeReceived(vm, v));
  return false;
}

// Resolves "." and ".." segments; leading ".." are kept when allowAboveRoot.
U16 normalizeString(const U16& path, bool allowAboveRoot) {
  U16 res;
  size_t lastSegmentLength = 0;
  long lastSlash = -1;
  int dots = 0;
  char16_t code = 0;
  for (size_t i = 0; i <= path.size(); i++) {
    if (i < path.size()) code = path[i];
    else if (code == '/') break;
    else code = '/';
    if (code == '/') {
      if (lastSlash == long(i) - 1 || dots == 1) {
        // A "//" or a "." segment: nothing to add.
      } else if (dots == 2) {
        if (res.size() < 2 || lastSegmentLength != 2 || res[res.size() - 1] != '.' || res[res.size() - 2] != '.') {
          if (res.size() > 2) {
            size_t lastSlashIndex = res.rfind(u'/');
            if (lastSlashIndex == U16::npos) {
              res.clear();
              lastSegmentLength = 0;
            } else {
              res.resize(lastSlashIndex);
              size_t prev = res.rfind(u'/');
              lastSegmentLength = res.size() - 1 - (prev == U16::npos ? size_t(-1) : prev);
            }
            lastSlash = long(i);
            dots = 0;
            continue;
          } else if (!res.empty()) {
            res.clear();
            lastSegmentLength = 0;
            lastSlash = long(i);
            dots = 0;
            continue;
          }
        }
        if (allowAboveRoot) {
          res += res.empty() ? u".." : u"/..";
          lastSegmentLength = 2;
        }
      } else {
        U16 segment = path.substr(size_t(lastSlash + 1), i - size_t(lastSlash + 1));
        if (!res.empty()) res += u"/" + segment;
        else res = segment;
        lastSegmentLength = i - size_t(lastSlash) - 1;
      }
      lastSlash = long(i);
      dots = 0;
    } else if (code == '.' && dots != -1) {
      ++dots;
    } else {
      dots = -1;
    }
  }
  return res;
}

bool cwd(U16* out) {
  char buf[PATH_MAX];
  if (!getcwd(buf, sizeof buf)) return false;
  for (const char* p = buf; *p; p++) out->push_back(char16_t(uint8_t(*p)));  // paths are bytes; ASCII in practice
  return true;
}

U16 normalize(const U16& p) {
  if (p.empty()) return u".";
  bool isAbsolute = p[0] == '/';
  bool trailingSeparator = p.back() == '/';
  U16 path = normalizeString(p, !isAbsolute);
  if (path.empty()) {
    if (isAbsolute) return u"/";
    return trailingSeparator ? u"./" : u".";
  }
  if (trailingSeparator) path += u"/";
  return isAbsolute ? u"/" + path : path;
}

// path.resolve over already validated strings (paths[i] checked by the caller).
bool resolve(VM& vm, CallInfo& info, U16* out) {
  U16 resolvedPath;
  bool resolvedAbsolute = false;
  for (long i = long(info.argc) - 1; i >= -1 && !resolvedAbsolute; i--) {
    U16 path;
    if (i >= 0) {
      if (!validateString(vm, info.argv[i], "paths[" + std::to_string(i) + "]")) return false;
      path = toUtf16(vm, info.argv[i]);
    } else if (!cwd(&path)) {
      vm.throwError(ErrorType::Error, "process.cwd failed");
      return false;
    }
    if (path.empty()) continue;
    resolvedPath = path + u"/" + resolvedPath;
    resolvedAbsolute = path[0] == '/';
  }
  resolvedPath = normalizeString(resolvedPath, !resolvedAbsolute);
  if (resolvedAbsolute) *out = u"/" + resolvedPath;
  else *out = resolvedPath.empty() ? u"." : resolvedPath;
  return true;
}

U16 resolveOne(const U16& p, const U16& cwdPath) {
  U16 resolved = p.empty() || p[0] != '/' ? cwdPath + u"/" + p : p;
  U16 n = normalizeString(resolved, false);
  return u"/" + n;
}

Value str(VM& vm, const U16& s) { return newStringUtf16(vm, s.data(), s.size()); }

}  // namespace

// path.join(...paths)
Value native_PathJoin(VM& vm, CallInfo& info) {
  bool any = false;
  U16 joined;
  for (uint32_t i = 0; i < info.argc; i++) {
    if (!validateString(vm, info.argv[i], "path")) return Value::exception();
    U16 arg = toUtf16(vm, info.argv[i]);
    if (arg.empty()) continue;
    joined = any ? joined + u"/" + arg : arg;
    any = true;
  }
  if (!any) return str(vm, u".");
  return str(vm, normalize(joined));
}

// path.resolve(...paths)
Value native_PathResolve(VM& vm, CallInfo& info) {
  U16 out;
  if (!resolve(vm, info, &out)) return Value::exception();
  return str(vm, out);
}

// path.normalize(path)
Value native_PathNormalize(VM& vm, CallInfo& info) {
  if (!validateString(vm, info.arg(0), "path")) return Value::exception();
  return str(vm, normalize(toUtf16(vm, info.arg(0))));
}

// path.isAbsolute(path)
Value native_PathIsAbsolute(VM& vm, CallInfo& info) {
  if (!validateString(vm, info.arg(0), "path")) return Value::exception();
  StringCell* s = kiln::str(vm, info.arg(0));
  return Value::boolean(s->length > 0 && s->at(0) == '/');
}

// path.relative(from, to)
Value native_PathRelative(VM& vm, CallInfo& info) {
  if (!validateString(vm, info.arg(0), "from") || !validateString(vm, info.arg(1), "to")) return Value::exception();
  U16 from = toUtf16(vm, info.arg(0)), to = toUtf16(vm, info.arg(1));
  if (from == to) return str(vm, u"");
  U16 cwdPath;
  if ((from.empty() || from[0] != '/' || to.empty() || to[0] != '/') && !cwd(&cwdPath))
    return vm.throwError(ErrorType::Error, "process.cwd failed");
  from = resolveOne(from, cwdPath);
  to = resolveOne(to, cwdPath);
  if (from == u"//") from = u"/";
  if (to == u"//") to = u"/";
  // resolve() gives "/" for the root and never a trailing slash otherwise.
  if (from.size() > 1 && from.back() == '/') from.pop_back();
  if (to.size() > 1 && to.back() == '/') to.pop_back();
  if (from == to) return str(vm, u"");
  const size_t fromStart = 1, fromEnd = from.size(), fromLen = fromEnd - fromStart;
  const size_t toStart = 1, toLen = to.size() - toStart;
  const size_t length = std::min(fromLen, toLen);
  long lastCommonSep = -1;
  size_t i = 0;
  for (; i < length; i++) {
    char16_t fromCode = from[fromStart + i];
    if (fromCode != to[toStart + i]) break;
    if (fromCode == '/') lastCommonSep = long(i);
  }
  if (i == length) {
    if (toLen > length) {
      if (to[toStart + i] == '/') return str(vm, to.substr(toStart + i + 1));
      if (i == 0) return str(vm, to.substr(toStart + i));
    } else if (fromLen > length) {
      if (from[fromStart + i] == '/') lastCommonSep = long(i);
      else if (i == 0) lastCommonSep = 0;
    }
  }
  U16 out;
  for (i = size_t(long(fromStart) + lastCommonSep + 1); i <= fromEnd; ++i)
    if (i == fromEnd || from[i] == '/') out += out.empty() ? u".." : u"/..";
  return str(vm, out + to.substr(size_t(long(toStart) + lastCommonSep)));
}

// path.dirname(path)
Value native_PathDirname(VM& vm, CallInfo& info) {
  if (!validateString(vm, info.arg(0), "path")) return Value::exception();
  U16 path = toUtf16(vm, info.arg(0));
  if (path.empty()) return str(vm, u".");
  bool hasRoot = path[0] == '/';
  long end = -1;
  bool matchedSlash = true;
  for (size_t i = path.size() - 1; i >= 1; --i) {
    if (path[i] == '/') {
      if (!matchedSlash) {
        end = long(i);
        break;
      }
    } else {
      matchedSlash = false;
    }
  }
  if (end == -1) return str(vm, hasRoot ? u"/" : u".");
  if (hasRoot && end == 1) return str(vm, u"//");
  return str(vm, path.substr(0, size_t(end)));
}

// path.basename(path[, suffix])
Value native_PathBasename(VM& vm, CallInfo& info) {
  Value suffixV = info.arg(1);
  if (!suffixV.isUndefined() && !validateString(vm, suffixV, "ext")) return Value::exception();
  if (!validateString(vm, info.arg(0), "path")) return Value::exception();
  U16 path = toUtf16(vm, info.arg(0));
  long start = 0, end = -1;
  bool matchedSlash = true;
  if (!suffixV.isUndefined()) {
    U16 suffix = toUtf16(vm, suffixV);
    if (!suffix.empty() && suffix.size() <= path.size()) {
      if (suffix == path) return str(vm, u"");
      long extIdx = long(suffix.size()) - 1;
      long firstNonSlashEnd = -1;
      for (long i = long(path.size()) - 1; i >= 0; --i) {
        char16_t code = path[size_t(i)];
        if (code == '/') {
          if (!matchedSlash) {
            start = i + 1;
            break;
          }
        } else {
          if (firstNonSlashEnd == -1) {
            matchedSlash = false;
            firstNonSlashEnd = i + 1;
          }
          if (extIdx >= 0) {
            if (code == suffix[size_t(extIdx)]) {
              if (--extIdx == -1) end = i;
            } else {
              extIdx = -1;
              end = firstNonSlashEnd;
            }
          }
        }
      }
      if (start == end) end = firstNonSlashEnd;
      else if (end == -1) end = long(path.size());
      return str(vm, path.substr(size_t(start), size_t(std::max(end - start, 0L))));
    }
  }
  for (long i = long(path.size()) - 1; i >= 0; --i) {
    if (path[size_t(i)] == '/') {
      if (!matchedSlash) {
        start = i + 1;
        break;
      }
    } else if (end == -1) {
      matchedSlash = false;
      end = i + 1;
    }
  }
  if (end == -1) return str(vm, u"");
  return str(vm, path.substr(size_t(start), size_t(end - start)));
}

namespace {

// The parts of the last path segment: [startPart, end) is the segment,
// startDot its extension's dot or -1 when it has no extension.
struct Segment {
  long startDot = -1, startPart = 0, end = -1;
  bool hasExtension = false;
};

Segment lastSegment(const U16& path, long stop) {
  Segment s;
  bool matchedSlash = true;
  int preDotState = 0;
  for (long i = long(path.size()) - 1; i >= stop; --i) {
    char16_t code = path[size_t(i)];
    if (code == '/') {
      if (!matchedSlash) {
        s.startPart = i + 1;
        break;
      }
      continue;
    }
    if (s.end == -1) {
      matchedSlash = false;
      s.end = i + 1;
    }
    if (code == '.') {
      if (s.startDot == -1) s.startDot = i;
      else if (preDotState != 1) preDotState = 1;
    } else if (s.startDot != -1) {
      preDotState = -1;
    }
  }
  // A leading dot (".profile") or the ".." segment is no extension.
  s.hasExtension = !(s.startDot == -1 || s.end == -1 || preDotState == 0 ||
                     (preDotState == 1 && s.startDot == s.end - 1 && s.startDot == s.startPart + 1));
  return s;
}

}  // namespace

// path.extname(path)
Value native_PathExtname(VM& vm, CallInfo& info) {
  if (!validateString(vm, info.arg(0), "path")) return Value::exception();
  U16 path = toUtf16(vm, info.arg(0));
  Segment s = lastSegment(path, 0);
  if (!s.hasExtension) return str(vm, u"");
  return str(vm, path.substr(size_t(s.startDot), size_t(s.end - s.startDot)));
}

// path.parse(path)
Value native_PathParse(VM& vm, CallInfo& info) {
  if (!validateString(vm, info.arg(0), "path")) return Value::exception();
  U16 path = toUtf16(vm, info.arg(0));
  U16 root, dir, base, ext, name;
  if (!path.empty()) {
    bool isAbsolute = path[0] == '/';
    if (isAbsolute) root = u"/";
    Segment s = lastSegment(path, isAbsolute ? 1 : 0);
    if (s.end != -1) {
      long start = s.startPart == 0 && isAbsolute ? 1 : s.startPart;
      if (!s.hasExtension) {
        base = name = path.substr(size_t(start), size_t(s.end - start));
      } else {
        name = path.substr(size_t(start), size_t(s.startDot - start));
        base = path.substr(size_t(start), size_t(s.end - start));
        ext = path.substr(size_t(s.startDot), size_t(s.end - s.startDot));
      }
    }
    if (s.startPart > 0) dir = path.substr(0, size_t(s.startPart - 1));
    else if (isAbsolute) dir = u"/";
  }
  Root result(vm.heap(), KILN_TRY(newObject(vm)));
  for (auto [key, value] : {std::pair{"root", &root}, std::pair{"dir", &dir}, std::pair{"base", &base},
                            std::pair{"ext", &ext}, std::pair{"name", &name}}) {
    Root k(vm.heap(), KILN_TRY(keyFor(vm, key)));
    Value v = KILN_TRY(str(vm, *value));
    KILN_TRY_STATUS(createDataPropertyOrThrow(vm, result.get(), k.get(), v));
  }
  return result.get();
}

// path.format(pathObject)
Value native_PathFormat(VM& vm, CallInfo& info) {
  Value o = info.arg(0);
  if (!o.isObject())
    return throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE",
                          "The \"pathObject\" argument must be of type object." + describeReceived(vm, o));
  Root obj(vm.heap(), o);
  auto field = [&](const char* name, U16* out) -> bool {
    Value key = keyFor(vm, name);
    if (key.isException()) return false;
    Value v = get(vm, obj.get(), key);
    if (v.isException()) return false;
    if (!toBoolean(vm, v)) return true;  // `obj.x || ...`: falsy values count as absent
    Value s = toString(vm, v);
    if (s.isException()) return false;
    *out = toUtf16(vm, s);
    return true;
  };
  U16 dir, root, base, name, ext;
  if (!field("dir", &dir) || !field("root", &root) || !field("base", &base)) return Value::exception();
  if (dir.empty()) dir = root;
  if (base.empty()) {
    if (!field("name", &name) || !field("ext", &ext)) return Value::exception();
    base = name + (ext.empty() ? U16() : (ext[0] == '.' ? ext : u"." + ext));
  }
  if (dir.empty()) return str(vm, base);
  return str(vm, dir == root ? dir + base : dir + u"/" + base);
}

// path.toNamespacedPath(path): the identity on POSIX.
Value native_PathToNamespacedPath(VM&, CallInfo& info) { return info.arg(0); }

Value createPathModule(VM& vm) {
  Root path(vm.heap(), KILN_TRY(newObject(vm)));
  struct Entry {
    const char* name;
    NativeId id;
  };
  static constexpr Entry kFunctions[] = {
      {"resolve", NativeId::PathResolve},   {"normalize", NativeId::PathNormalize},
      {"isAbsolute", NativeId::PathIsAbsolute}, {"join", NativeId::PathJoin},
      {"relative", NativeId::PathRelative}, {"toNamespacedPath", NativeId::PathToNamespacedPath},
      {"dirname", NativeId::PathDirname},   {"basename", NativeId::PathBasename},
      {"extname", NativeId::PathExtname},   {"format", NativeId::PathFormat},
      {"parse", NativeId::PathParse},
  };
  for (const Entry& e : kFunctions) KILN_TRY(defineMethod(vm, path, e.name, e.id, -1, kDefaultAttrs));
  defineProperty(vm, path, "sep", KILN_TRY(newString(vm, std::string_view("/"))), kDefaultAttrs);
  defineProperty(vm, path, "delimiter", KILN_TRY(newString(vm, std::string_view(":"))), kDefaultAttrs);
  defineProperty(vm, path, "posix", path, kDefaultAttrs);
  if (vm.hasException()) return Value::exception();
  return path.get();
}

}  // namespace kiln
