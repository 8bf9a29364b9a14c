// node:fs, the synchronous subset: readFileSync, writeFileSync,
// appendFileSync, existsSync, readdirSync, statSync/lstatSync, mkdirSync,
// unlinkSync, rmSync, renameSync.
//
// Failures are Node's "uvException" errors: message "ENOENT: no such file or
// directory, open 'x.txt'" and the properties errno (negative), code,
// syscall and path, in that order. Reads are Ambient natives, writes Io.
//
// Stats and Dirent objects look like Node's when printed: own data
// properties on an object whose prototype's constructor is named Stats
// (Dirent), with the is*() methods on the prototype reading `mode` (the
// Symbol(type) property), as Node does. Those prototypes and the type symbol
// are reachable from the natives that need them through their data slots.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "builtins/builtins.h"
#include "builtins/host_modules.h"
#include "engine/conversions.h"
#include "engine/errors.h"
#include "engine/strings.h"

namespace kiln {

namespace {

struct ErrnoInfo {
  int err;
  const char* code;
  const char* description;  // libuv's uv_strerror text, which Node prints
};
constexpr ErrnoInfo kErrnos[] = {
    {ENOENT, "ENOENT", "no such file or directory"},  {EACCES, "EACCES", "permission denied"},
    {EEXIST, "EEXIST", "file already exists"},        {EISDIR, "EISDIR", "illegal operation on a directory"},
    {ENOTDIR, "ENOTDIR", "not a directory"},          {ENOTEMPTY, "ENOTEMPTY", "directory not empty"},
    {EPERM, "EPERM", "operation not permitted"},      {EBADF, "EBADF", "bad file descriptor"},
    {EINVAL, "EINVAL", "invalid argument"},           {EMFILE, "EMFILE", "too many open files"},
    {ENOSPC, "ENOSPC", "no space left on device"},    {EROFS, "EROFS", "read-only file system"},
    {ELOOP, "ELOOP", "too many symbolic links encountered"},
    {ENAMETOOLONG, "ENAMETOOLONG", "name too long"},  {EXDEV, "EXDEV", "cross-device link not permitted"},
    {EBUSY, "EBUSY", "resource busy or locked"},      {EIO, "EIO", "i/o error"},
    {EAGAIN, "EAGAIN", "resource temporarily unavailable"},
};

// Throws Node's error for a failed system call.
Value throwErrno(VM& vm, int err, const char* syscall, const std::string* path, const std::string* dest = nullptr) {
  std::string code = "E" + std::to_string(err), description = std::strerror(err);
  for (const ErrnoInfo& e : kErrnos)
    if (e.err == err) {
      code = e.code;
      description = e.description;
    }
  std::string message = code + ": " + description + ", " + syscall;
  if (path) message += " '" + *path + "'";
  if (dest) message += " -> '" + *dest + "'";
  Root error(vm.heap(), KILN_TRY(newError(vm, ErrorType::Error, message)));
  auto put = [&](const char* name, Value v) -> bool {
    if (v.isException()) return false;
    Root vr(vm.heap(), v);
    Value key = keyFor(vm, name);
    if (key.isException()) return false;
    defineValue(vm, error.get(), key, vr.get(), kDefaultAttrs);
    return true;
  };
  if (!put("errno", Value::int32(-err)) || !put("code", newStringUtf8(vm, code)) ||
      !put("syscall", newStringUtf8(vm, syscall)))
    return Value::exception();
  if (path && !put("path", newStringUtf8(vm, *path))) return Value::exception();
  if (dest && !put("dest", newStringUtf8(vm, *dest))) return Value::exception();
  return vm.throwValue(error.get());
}

// A path argument: a string (Buffer and URL are not supported yet).
bool pathArg(VM& vm, Value v, const char* name, std::string* out) {
  if (v.isString()) {
    *out = toUtf8(vm, v);
    if (out->find('\0') != std::string::npos) {
      throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_VALUE",
                     std::string("The argument '") + name +
                         "' must be a string, Uint8Array, or URL without null bytes. Received '" + *out + "'");
      return false;
    }
    return true;
  }
  throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE",
                 std::string("The \"") + name + "\" argument must be of type string or an instance of Buffer or URL." +
                     describeReceived(vm, v));
  return false;
}

// A file argument: a path, or a file descriptor (a non-negative integer).
bool fileArg(VM& vm, Value v, std::string* path, int* fd) {
  *fd = -1;
  if (v.isNumber() && v.toDouble() >= 0 && v.toDouble() == std::trunc(v.toDouble()) && v.toDouble() <= INT32_MAX) {
    *fd = int(v.toDouble());
    return true;
  }
  return pathArg(vm, v, "path", path);
}

// options as a string (the encoding) or an object with `encoding` and `flag`.
bool readOptions(VM& vm, Value options, std::string* encoding, std::string* flag) {
  Value enc = Value::undefined();
  if (options.isString()) {
    enc = options;
  } else if (options.isObject()) {
    Root o(vm.heap(), options);
    Value key = keyFor(vm, "encoding");
    if (key.isException()) return false;
    enc = get(vm, o.get(), key);
    if (enc.isException()) return false;
    if (flag) {
      Value fkey = keyFor(vm, "flag");
      if (fkey.isException()) return false;
      Root e(vm.heap(), enc);
      Value f = get(vm, o.get(), fkey);
      if (f.isException()) return false;
      if (f.isString()) *flag = toUtf8(vm, f);
      enc = e.get();
    }
  } else if (!options.isNullish() && !options.isString()) {
    throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE",
                   "The \"options\" argument must be one of type string or an instance of Object." +
                       describeReceived(vm, options));
    return false;
  }
  if (enc.isNullish()) return true;
  Value encString = toString(vm, enc);
  if (encString.isException()) return false;
  std::string e = toUtf8(vm, encString);
  std::string lower;
  for (char c : e) lower.push_back(char(std::tolower(uint8_t(c))));
  if (lower == "utf-8") lower = "utf8";
  if (lower == "binary") lower = "latin1";
  if (lower != "utf8" && lower != "latin1" && lower != "ascii" && lower != "hex" && lower != "base64") {
    throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_VALUE",
                   "The argument 'encoding' is invalid encoding. Received '" + e + "'");
    return false;
  }
  *encoding = lower;
  return true;
}

// UTF-8 to UTF-16 with U+FFFD for each maximal invalid subsequence (WHATWG).
std::u16string decodeUtf8(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    uint8_t c = uint8_t(s[i]);
    if (c < 0x80) {
      out.push_back(c);
      i++;
      continue;
    }
    int need = 0;
    char32_t cp = 0;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) {
      need = 2; cp = c & 0x0F;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3; cp = c & 0x07;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      out.push_back(0xFFFD);
      i++;
      continue;
    }
    size_t j = i + 1;
    bool ok = true;
    for (int k = 0; k < need; k++, j++) {
      if (j >= s.size()) { ok = false; break; }
      uint8_t b = uint8_t(s[j]);
      if (b < lo || b > hi) { ok = false; break; }
      lo = 0x80;
      hi = 0xBF;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      i = j;
      continue;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(char16_t(0xD800 + (cp >> 10)));
      out.push_back(char16_t(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(char16_t(cp));
    }
    i = j;
  }
  return out;
}

const char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Value decodeBytes(VM& vm, const std::string& bytes, const std::string& encoding) {
  if (encoding == "utf8") {
    std::u16string u = decodeUtf8(bytes);
    // A leading byte order mark is kept, as Node does.
    return newStringUtf16(vm, u.data(), u.size());
  }
  if (encoding == "latin1" || encoding == "ascii") {
    std::string b = bytes;
    if (encoding == "ascii")
      for (char& c : b) c = char(uint8_t(c) & 0x7F);
    return newStringLatin1(vm, reinterpret_cast<const uint8_t*>(b.data()), b.size());
  }
  std::string out;
  if (encoding == "hex") {
    static const char* digits = "0123456789abcdef";
    for (unsigned char c : bytes) {
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  } else {  // base64
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
      uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
      for (int k = 18; k >= 0; k -= 6) out.push_back(kBase64[(n >> k) & 63]);
    }
    if (i < bytes.size()) {
      uint32_t n = uint8_t(bytes[i]) << 16;
      if (i + 1 < bytes.size()) n |= uint8_t(bytes[i + 1]) << 8;
      out.push_back(kBase64[(n >> 18) & 63]);
      out.push_back(kBase64[(n >> 12) & 63]);
      out.push_back(i + 1 < bytes.size() ? kBase64[(n >> 6) & 63] : '=');
      out.push_back('=');
    }
  }
  return newString(vm, std::string_view(out));
}

bool encodeString(VM& vm, Value s, const std::string& encoding, std::string* out) {
  std::u16string u = toUtf16(vm, s);
  if (encoding == "latin1" || encoding == "ascii") {
    for (char16_t c : u) out->push_back(char(uint8_t(c)));
    return true;
  }
  if (encoding == "hex") {
    auto val = [](char16_t c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    for (size_t i = 0; i + 1 < u.size(); i += 2) {
      int a = val(u[i]), b = val(u[i + 1]);
      if (a < 0 || b < 0) break;
      out->push_back(char(a * 16 + b));
    }
    return true;
  }
  if (encoding == "base64") {
    uint32_t acc = 0;
    int bits = 0;
    for (char16_t c : u) {
      const char* p = c < 128 ? std::strchr(kBase64, char(c)) : nullptr;
      int v = c == '-' ? 62 : c == '_' ? 63 : (p && c) ? int(p - kBase64) : -1;
      if (v < 0) continue;
      acc = (acc << 6) | uint32_t(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out->push_back(char((acc >> bits) & 0xFF));
      }
    }
    return true;
  }
  // UTF-8, lone surrogates as U+FFFD.
  for (size_t i = 0; i < u.size(); i++) {
    char32_t c = u[i];
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < u.size() && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (u[i + 1] - 0xDC00);
      i++;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;
    }
    if (c < 0x80) out->push_back(char(c));
    else if (c < 0x800) {
      out->push_back(char(0xC0 | (c >> 6)));
      out->push_back(char(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out->push_back(char(0xE0 | (c >> 12)));
      out->push_back(char(0x80 | ((c >> 6) & 0x3F)));
      out->push_back(char(0x80 | (c & 0x3F)));
    } else {
      out->push_back(char(0xF0 | (c >> 18)));
      out->push_back(char(0x80 | ((c >> 12) & 0x3F)));
      out->push_back(char(0x80 | ((c >> 6) & 0x3F)));
      out->push_back(char(0x80 | (c & 0x3F)));
    }
  }
  return true;
}

// A Uint8Array holding the bytes, or (when the realm has no typed arrays) a
// UTF-8 decoded string.
Value bytesValue(VM& vm, const std::string& bytes) {
  Value proto = vm.intrinsic(Intrinsic::Uint8ArrayPrototype);
  if (!proto.isObject()) return decodeBytes(vm, bytes, "utf8");
  Value ctor = KILN_TRY(get(vm, proto, vm.atom(Atom::constructor)));
  if (!isConstructor(vm, ctor)) return decodeBytes(vm, bytes, "utf8");
  Value length = Value::number(double(bytes.size()));
  Root array(vm.heap(), KILN_TRY(construct(vm, ctor, std::span<const Value>(&length, 1))));
  for (size_t i = 0; i < bytes.size(); i++)
    if (bytes[i] != 0)
      KILN_TRY_STATUS(set(vm, array.get(), Value::number(double(i)), Value::int32(uint8_t(bytes[i])), array.get()));
  return array.get();
}

// The bytes of a string, typed array or DataView to write.
bool dataArg(VM& vm, Value data, const std::string& encoding, std::string* out) {
  if (data.isString()) return encodeString(vm, data, encoding, out);
  if (data.isObject() && (kindOf(vm, data) == CellKind::TypedArray || kindOf(vm, data) == CellKind::DataView)) {
    // The bytes of the view, read through a Uint8Array over the same buffer range.
    Root d(vm.heap(), data);
    Value parts[3];
    const char* names[3] = {"buffer", "byteOffset", "byteLength"};
    Root p0(vm.heap()), p1(vm.heap()), p2(vm.heap());
    Root* roots[3] = {&p0, &p1, &p2};
    for (int i = 0; i < 3; i++) {
      Value key = keyFor(vm, names[i]);
      if (key.isException()) return false;
      Value v = get(vm, d.get(), key);
      if (v.isException()) return false;
      roots[i]->set(v);
    }
    for (int i = 0; i < 3; i++) parts[i] = roots[i]->get();
    Value ctor = get(vm, vm.intrinsic(Intrinsic::Uint8ArrayPrototype), vm.atom(Atom::constructor));
    if (ctor.isException()) return false;
    Value view = construct(vm, ctor, std::span<const Value>(parts, 3));
    if (view.isException()) return false;
    d.set(view);
    Value len = lengthOfArrayLike(vm, d.get());
    if (len.isException()) return false;
    for (double i = 0; i < len.toDouble(); i++) {
      Value b = get(vm, d.get(), Value::number(i));
      if (b.isException()) return false;
      out->push_back(char(uint8_t(b.isNumber() ? uint32_t(b.toDouble()) : 0)));
    }
    return true;
  }
  throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE",
                 "The \"data\" argument must be of type string or an instance of Buffer, TypedArray, or DataView." +
                     describeReceived(vm, data));
  return false;
}

bool readAll(int fd, std::string* out) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) return true;
    out->append(buf, size_t(n));
  }
}

bool writeAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += size_t(n);
  }
  return true;
}

Value writeFile(VM& vm, CallInfo& info, bool append) {
  std::string path;
  int fd;
  if (!fileArg(vm, info.arg(0), &path, &fd)) return Value::exception();
  std::string encoding = "utf8", flag = append ? "a" : "w";
  if (!readOptions(vm, info.arg(2), &encoding, &flag)) return Value::exception();
  std::string data;
  if (!dataArg(vm, info.arg(1), encoding, &data)) return Value::exception();
  bool ownFd = fd < 0;
  if (ownFd) {
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
    if (flag.find('a') != std::string::npos) flags |= O_APPEND;
    else flags |= O_TRUNC;
    if (flag.find('x') != std::string::npos) flags |= O_EXCL;
    fd = ::open(path.c_str(), flags, 0666);
    if (fd < 0) return throwErrno(vm, errno, "open", &path);
  }
  bool ok = writeAll(fd, data);
  int err = errno;
  if (ownFd) ::close(fd);
  if (!ok) return throwErrno(vm, err, "write", nullptr);
  return Value::undefined();
}

Value optionFlag(VM& vm, Value options, const char* name, bool* out) {
  *out = false;
  if (!options.isObject()) return Value::undefined();
  Root o(vm.heap(), options);
  Value key = KILN_TRY(keyFor(vm, name));
  Value v = KILN_TRY(get(vm, o.get(), key));
  *out = toBoolean(vm, v);
  return v;
}

double timespecMs(const timespec& ts) { return double(ts.tv_sec) * 1000.0 + double(ts.tv_nsec) / 1e6; }

Value newDate(VM& vm, double ms) {
  Value proto = vm.intrinsic(Intrinsic::DatePrototype);
  if (!proto.isObject()) return Value::number(ms);
  Value ctor = KILN_TRY(get(vm, proto, vm.atom(Atom::constructor)));
  if (!isConstructor(vm, ctor)) return Value::number(ms);
  Value t = Value::number(ms);
  return construct(vm, ctor, std::span<const Value>(&t, 1));
}

// A Stats object (prototype: the statSync native's data0).
Value statsObject(VM& vm, Value proto, const struct stat& st) {
  Root stats(vm.heap(), KILN_TRY(newObject(vm, proto)));
  auto put = [&](const char* name, Value v) -> bool {
    if (v.isException()) return false;
    Root vr(vm.heap(), v);
    Value key = keyFor(vm, name);
    if (key.isException()) return false;
    return createDataProperty(vm, stats.get(), key, vr.get()) != Status::Exception;
  };
  double atime = timespecMs(st.st_atim), mtime = timespecMs(st.st_mtim), ctime = timespecMs(st.st_ctim);
  // Linux's stat has no birth time; Node reports statx's, which is close to ctime for new files.
  double birthtime = ctime;
  bool ok = put("dev", Value::number(double(st.st_dev))) && put("mode", Value::number(double(st.st_mode))) &&
            put("nlink", Value::number(double(st.st_nlink))) && put("uid", Value::number(double(st.st_uid))) &&
            put("gid", Value::number(double(st.st_gid))) && put("rdev", Value::number(double(st.st_rdev))) &&
            put("blksize", Value::number(double(st.st_blksize))) && put("ino", Value::number(double(st.st_ino))) &&
            put("size", Value::number(double(st.st_size))) && put("blocks", Value::number(double(st.st_blocks))) &&
            put("atimeMs", Value::number(atime)) && put("mtimeMs", Value::number(mtime)) &&
            put("ctimeMs", Value::number(ctime)) && put("birthtimeMs", Value::number(birthtime)) &&
            put("atime", newDate(vm, atime)) && put("mtime", newDate(vm, mtime)) &&
            put("ctime", newDate(vm, ctime)) && put("birthtime", newDate(vm, birthtime));
  if (!ok) return Value::exception();
  return stats.get();
}

Value calleeData(VM& vm, CallInfo& info, int slot) {
  auto* f = vm.cell<NativeFunctionCell>(info.callee);
  return slot == 0 ? f->data0 : slot == 1 ? f->data1 : f->data2;
}

Value statImpl(VM& vm, CallInfo& info, bool follow) {
  std::string path;
  if (!pathArg(vm, info.arg(0), "path", &path)) return Value::exception();
  bool throwIfNoEntry = true;
  if (info.arg(1).isObject()) {
    Root o(vm.heap(), info.arg(1));
    Value key = KILN_TRY(keyFor(vm, "throwIfNoEntry"));
    Value v = KILN_TRY(get(vm, o.get(), key));
    if (!v.isUndefined()) throwIfNoEntry = toBoolean(vm, v);
  }
  struct stat st;
  if ((follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st)) != 0) {
    if ((errno == ENOENT || errno == ENOTDIR) && !throwIfNoEntry) return Value::undefined();
    return throwErrno(vm, errno, follow ? "stat" : "lstat", &path);
  }
  return statsObject(vm, calleeData(vm, info, 0), st);
}

Value modeTest(VM& vm, CallInfo& info, mode_t type) {
  Value t = info.thisValue;
  if (!t.isObject()) return Value::boolean(false);
  Value key = KILN_TRY(keyFor(vm, "mode"));
  Value mode = KILN_TRY(get(vm, info.thisValue, key));
  if (!mode.isNumber()) return Value::boolean(false);
  return Value::boolean((mode_t(mode.toDouble()) & S_IFMT) == type);
}

// Dirent types (libuv's UV_DIRENT_*), which Node stores in dirent[Symbol(type)].
enum DirentType : int32_t { kUnknown = 0, kFile = 1, kDir = 2, kLink = 3, kFifo = 4, kSocket = 5, kChar = 6, kBlock = 7 };

Value direntTest(VM& vm, CallInfo& info, DirentType type) {
  Value t = info.thisValue;
  if (!t.isObject()) return Value::boolean(false);
  Value v = KILN_TRY(get(vm, t, calleeData(vm, info, 0)));
  return Value::boolean(v == Value::int32(type));
}

// rm -r without recursion on the C++ stack: an explicit stack of
// directories, each removed once it has been emptied.
int removeTree(const std::string& root) {
  std::vector<std::pair<std::string, bool>> stack{{root, false}};
  while (!stack.empty()) {
    auto [path, expanded] = stack.back();
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) { stack.pop_back(); continue; }
      return errno;
    }
    if (!S_ISDIR(st.st_mode)) {
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) return errno;
      stack.pop_back();
      continue;
    }
    if (expanded) {
      if (::rmdir(path.c_str()) != 0 && errno != ENOENT) return errno;
      stack.pop_back();
      continue;
    }
    stack.back().second = true;
    DIR* d = ::opendir(path.c_str());
    if (!d) return errno;
    while (dirent* e = ::readdir(d)) {
      if (!std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, "..")) continue;
      stack.emplace_back(path + "/" + e->d_name, false);
    }
    ::closedir(d);
  }
  return 0;
}

}  // namespace

// fs.readFileSync(path[, options])
Value native_FsReadFileSync(VM& vm, CallInfo& info) {
  std::string path, encoding;
  int fd;
  if (!fileArg(vm, info.arg(0), &path, &fd)) return Value::exception();
  if (!readOptions(vm, info.arg(1), &encoding, nullptr)) return Value::exception();
  bool ownFd = fd < 0;
  if (ownFd) {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return throwErrno(vm, errno, "open", &path);
  }
  std::string bytes;
  bool ok = readAll(fd, &bytes);
  int err = errno;
  if (ownFd) ::close(fd);
  if (!ok) return throwErrno(vm, err, "read", nullptr);
  if (encoding.empty()) return bytesValue(vm, bytes);
  return decodeBytes(vm, bytes, encoding);
}

// fs.writeFileSync(file, data[, options])
Value native_FsWriteFileSync(VM& vm, CallInfo& info) { return writeFile(vm, info, false); }
// fs.appendFileSync(path, data[, options])
Value native_FsAppendFileSync(VM& vm, CallInfo& info) { return writeFile(vm, info, true); }

// fs.existsSync(path): never throws.
Value native_FsExistsSync(VM& vm, CallInfo& info) {
  if (!info.arg(0).isString()) return Value::boolean(false);
  std::string path = toUtf8(vm, info.arg(0));
  return Value::boolean(::access(path.c_str(), F_OK) == 0);
}

// fs.readdirSync(path[, options]): names in byte order (libuv sorts them);
// with { withFileTypes: true }, Dirent objects.
Value native_FsReaddirSync(VM& vm, CallInfo& info) {
  std::string path;
  if (!pathArg(vm, info.arg(0), "path", &path)) return Value::exception();
  bool withFileTypes;
  KILN_TRY(optionFlag(vm, info.arg(1), "withFileTypes", &withFileTypes));
  DIR* d = ::opendir(path.c_str());
  if (!d) return throwErrno(vm, errno, "scandir", &path);
  std::vector<std::pair<std::string, int32_t>> entries;
  while (dirent* e = ::readdir(d)) {
    if (!std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, "..")) continue;
    int32_t type = kUnknown;
    switch (e->d_type) {
      case DT_REG: type = kFile; break;
      case DT_DIR: type = kDir; break;
      case DT_LNK: type = kLink; break;
      case DT_FIFO: type = kFifo; break;
      case DT_SOCK: type = kSocket; break;
      case DT_CHR: type = kChar; break;
      case DT_BLK: type = kBlock; break;
      default: break;
    }
    entries.emplace_back(e->d_name, type);
  }
  ::closedir(d);
  std::sort(entries.begin(), entries.end());
  Root result(vm.heap(), KILN_TRY(newArray(vm)));
  Root parent(vm.heap(), KILN_TRY(newStringUtf8(vm, path)));
  for (auto& [name, type] : entries) {
    Root n(vm.heap(), KILN_TRY(newStringUtf8(vm, name)));
    if (!withFileTypes) {
      KILN_TRY_STATUS(arrayPush(vm, result.get(), n.get()));
      continue;
    }
    Root dirent(vm.heap(), KILN_TRY(newObject(vm, calleeData(vm, info, 0))));
    for (const char* key : {"name", "parentPath", "path"}) {
      Value k = KILN_TRY(keyFor(vm, key));
      KILN_TRY_STATUS(createDataProperty(vm, dirent.get(), k, *key == 'n' ? n.get() : parent.get()));
    }
    KILN_TRY_STATUS(createDataProperty(vm, dirent.get(), calleeData(vm, info, 1), Value::int32(type)));
    KILN_TRY_STATUS(arrayPush(vm, result.get(), dirent.get()));
  }
  return result.get();
}

// fs.statSync(path[, options])
Value native_FsStatSync(VM& vm, CallInfo& info) { return statImpl(vm, info, true); }
// fs.lstatSync(path[, options])
Value native_FsLstatSync(VM& vm, CallInfo& info) { return statImpl(vm, info, false); }

// fs.mkdirSync(path[, options]): with { recursive: true }, the first directory created (or undefined).
Value native_FsMkdirSync(VM& vm, CallInfo& info) {
  std::string path;
  if (!pathArg(vm, info.arg(0), "path", &path)) return Value::exception();
  bool recursive = false;
  mode_t mode = 0777;
  Value options = info.arg(1);
  if (options.isNumber()) {
    mode = mode_t(options.toDouble());
  } else if (options.isObject()) {
    KILN_TRY(optionFlag(vm, options, "recursive", &recursive));
    Value key = KILN_TRY(keyFor(vm, "mode"));
    Value m = KILN_TRY(get(vm, options, key));
    if (m.isNumber()) mode = mode_t(m.toDouble());
  }
  if (!recursive) {
    if (::mkdir(path.c_str(), mode) != 0) return throwErrno(vm, errno, "mkdir", &path);
    return Value::undefined();
  }
  // Create each missing ancestor, outermost first.
  std::vector<std::string> missing;
  std::string cur = path;
  while (!cur.empty()) {
    struct stat st;
    if (::stat(cur.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) return throwErrno(vm, cur == path ? EEXIST : ENOTDIR, "mkdir", &path);
      break;
    }
    missing.push_back(cur);
    size_t slash = cur.find_last_of('/');
    while (slash != std::string::npos && slash > 0 && cur[slash - 1] == '/') slash--;
    if (slash == std::string::npos || slash == 0) break;
    cur = cur.substr(0, slash);
  }
  if (missing.empty()) return Value::undefined();
  for (auto it = missing.rbegin(); it != missing.rend(); ++it)
    if (::mkdir(it->c_str(), mode) != 0 && errno != EEXIST) return throwErrno(vm, errno, "mkdir", &path);
  return newStringUtf8(vm, missing.back());
}

// fs.unlinkSync(path)
Value native_FsUnlinkSync(VM& vm, CallInfo& info) {
  std::string path;
  if (!pathArg(vm, info.arg(0), "path", &path)) return Value::exception();
  if (::unlink(path.c_str()) != 0) return throwErrno(vm, errno, "unlink", &path);
  return Value::undefined();
}

// fs.rmSync(path[, options]): { recursive, force }.
Value native_FsRmSync(VM& vm, CallInfo& info) {
  std::string path;
  if (!pathArg(vm, info.arg(0), "path", &path)) return Value::exception();
  bool recursive, force;
  KILN_TRY(optionFlag(vm, info.arg(1), "recursive", &recursive));
  KILN_TRY(optionFlag(vm, info.arg(1), "force", &force));
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT && force) return Value::undefined();
    return throwErrno(vm, errno, "lstat", &path);
  }
  if (S_ISDIR(st.st_mode)) {
    if (!recursive) {
      Value err = throwNodeError(vm, ErrorType::Error, "ERR_FS_EISDIR",
                                 "Path is a directory: rm returned EISDIR (is a directory) " + path);
      return err;
    }
    int e = removeTree(path);
    if (e) return throwErrno(vm, e, "rm", &path);
    return Value::undefined();
  }
  if (::unlink(path.c_str()) != 0) return throwErrno(vm, errno, "rm", &path);
  return Value::undefined();
}

// fs.renameSync(oldPath, newPath)
Value native_FsRenameSync(VM& vm, CallInfo& info) {
  std::string from, to;
  if (!pathArg(vm, info.arg(0), "oldPath", &from) || !pathArg(vm, info.arg(1), "newPath", &to))
    return Value::exception();
  if (::rename(from.c_str(), to.c_str()) != 0) return throwErrno(vm, errno, "rename", &from, &to);
  return Value::undefined();
}

// Stats.prototype.isFile() & co.
Value native_FsStatsIsFile(VM& vm, CallInfo& info) { return modeTest(vm, info, S_IFREG); }
Value native_FsStatsIsDirectory(VM& vm, CallInfo& info) { return modeTest(vm, info, S_IFDIR); }
Value native_FsStatsIsSymbolicLink(VM& vm, CallInfo& info) { return modeTest(vm, info, S_IFLNK); }
// Dirent.prototype.isFile() & co.
Value native_FsDirentIsFile(VM& vm, CallInfo& info) { return direntTest(vm, info, kFile); }
Value native_FsDirentIsDirectory(VM& vm, CallInfo& info) { return direntTest(vm, info, kDir); }
Value native_FsDirentIsSymbolicLink(VM& vm, CallInfo& info) { return direntTest(vm, info, kLink); }
// The Stats and Dirent constructors exist for their names (and instanceof);
// objects are only made by fs itself.
Value native_FsStats(VM& vm, CallInfo&) { return vm.throwTypeError("Illegal constructor"); }
Value native_FsDirent(VM& vm, CallInfo&) { return vm.throwTypeError("Illegal constructor"); }

Value createFsModule(VM& vm) {
  Root fs(vm.heap(), KILN_TRY(newObject(vm)));
  // Stats and Dirent classes.
  Root statsProto(vm.heap(), KILN_TRY(newObject(vm)));
  Root statsCtor(vm.heap(), KILN_TRY(defineConstructor(vm, fs, "Stats", NativeId::FsStats, 0, statsProto)));
  KILN_TRY(defineMethod(vm, statsProto, "isFile", NativeId::FsStatsIsFile));
  KILN_TRY(defineMethod(vm, statsProto, "isDirectory", NativeId::FsStatsIsDirectory));
  KILN_TRY(defineMethod(vm, statsProto, "isSymbolicLink", NativeId::FsStatsIsSymbolicLink));
  Root direntProto(vm.heap(), KILN_TRY(newObject(vm)));
  KILN_TRY(defineConstructor(vm, fs, "Dirent", NativeId::FsDirent, 0, direntProto));
  // Node keeps a dirent's type under a private Symbol('type').
  Root typeSymbol(vm.heap(), Value::undefined());
  {
    Value desc = KILN_TRY(newString(vm, std::string_view("type")));
    Root d(vm.heap(), desc);
    Ref s = vm.allocate(CellKind::Symbol, sizeof(SymbolCell));
    if (!s) return Value::exception();
    vm.cell<SymbolCell>(s)->description = d.get();
    typeSymbol.set(Value::symbol(s));
  }
  for (auto [name, id] : {std::pair{"isFile", NativeId::FsDirentIsFile},
                          std::pair{"isDirectory", NativeId::FsDirentIsDirectory},
                          std::pair{"isSymbolicLink", NativeId::FsDirentIsSymbolicLink}}) {
    Value f = KILN_TRY(defineMethod(vm, direntProto, name, id));
    vm.cell<NativeFunctionCell>(f)->data0 = typeSymbol.get();
  }

  struct Entry {
    const char* name;
    NativeId id;
  };
  static constexpr Entry kFunctions[] = {
      {"readFileSync", NativeId::FsReadFileSync}, {"writeFileSync", NativeId::FsWriteFileSync},
      {"appendFileSync", NativeId::FsAppendFileSync}, {"existsSync", NativeId::FsExistsSync},
      {"readdirSync", NativeId::FsReaddirSync},   {"statSync", NativeId::FsStatSync},
      {"lstatSync", NativeId::FsLstatSync},       {"mkdirSync", NativeId::FsMkdirSync},
      {"unlinkSync", NativeId::FsUnlinkSync},     {"rmSync", NativeId::FsRmSync},
      {"renameSync", NativeId::FsRenameSync},     {"readFile", NativeId::FsReadFile},
      {"writeFile", NativeId::FsWriteFile},
  };
  for (const Entry& e : kFunctions) {
    Value f = KILN_TRY(defineMethod(vm, fs, e.name, e.id, -1, kDefaultAttrs));
    auto* c = vm.cell<NativeFunctionCell>(f);
    if (e.id == NativeId::FsStatSync || e.id == NativeId::FsLstatSync) c->data0 = statsProto.get();
    if (e.id == NativeId::FsReaddirSync) {
      c->data0 = direntProto.get();
      c->data1 = typeSymbol.get();
    }
  }
  // fs.promises is node:fs/promises itself.
  Value promises = KILN_TRY(hostModule(vm, "fs/promises"));
  KILN_TRY_STATUS(createDataProperty(vm, fs.get(), KILN_TRY(atomFromUtf8(vm, "promises")), promises));
  return fs.get();
}

Value bytesToUint8Array(VM& vm, const std::string& bytes) { return bytesValue(vm, bytes); }
Value utf8BytesToString(VM& vm, const std::string& bytes) { return decodeBytes(vm, bytes, "utf8"); }

}  // namespace kiln
