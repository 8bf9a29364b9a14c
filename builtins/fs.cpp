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

#include "builtins/array_buffer.h"
#include "builtins/builtins.h"
#include "builtins/host_modules.h"
#include "builtins/inspect.h"
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

// How Node orders an errno error's own properties: its writeSync builds the
// error elsewhere than the other calls and puts syscall before code.
enum class ErrnoKeys : uint8_t { CodeFirst, SyscallFirst };

// Throws Node's error for a failed system call; `detail`, when given, is
// appended to the message (kiln's own explanation of the failure).
Value throwErrno(VM& vm, int err, const char* syscall, const std::string* path, const std::string* dest = nullptr,
                 const std::string* detail = nullptr, ErrnoKeys order = ErrnoKeys::CodeFirst) {
  std::string code = "E" + std::to_string(err), description = std::strerror(err);
  for (const ErrnoInfo& e : kErrnos)
    if (e.err == err) {
      code = e.code;
      description = e.description;
    }
  std::string message = code + ": " + description + ", " + syscall;
  if (path) message += " '" + *path + "'";
  if (dest) message += " -> '" + *dest + "'";
  if (detail) message += *detail;
  Root error(vm.heap(), KILN_TRY(newError(vm, ErrorType::Error, message)));
  auto put = [&](const char* name, Value v) -> bool {
    if (v.isException()) return false;
    Root vr(vm.heap(), v);
    Value key = keyFor(vm, name);
    if (key.isException()) return false;
    defineValue(vm, error.get(), key, vr.get(), kDefaultAttrs);
    return true;
  };
  if (!put("errno", Value::int32(-err))) return Value::exception();
  if (order == ErrnoKeys::SyscallFirst
          ? !put("syscall", newStringUtf8(vm, syscall)) || !put("code", newStringUtf8(vm, code))
          : !put("code", newStringUtf8(vm, code)) || !put("syscall", newStringUtf8(vm, syscall)))
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

// ---- file descriptors ---------------------------------------------------------------------
// A JS fd is not the OS's. 0-2 are the standard streams; from 3 on, an fd is
// an entry of the fd record: a holder ValueArray (the data2 slot of every fs
// native that takes fds) whose element 0 is a ValueArray of kFdFields Values
// per fd: the VM's hostFileEpoch when the file was opened (Number), its index
// in vm.hostFiles (Int) and the path it was opened with; undefined when the
// fd is free. An entry of another epoch was opened by the process that wrote
// the image this program resumed from: its OS file is gone, and the entry
// stays (stale) until closeSync, so the fd is not handed out again meanwhile.
constexpr int kFirstTableFd = 3;
constexpr uint32_t kFdFields = 3;
constexpr double kMaxSafeInteger = 9007199254740991.0;

Value fdRecord(VM& vm, CallInfo& info) { return vm.cell<NativeFunctionCell>(info.callee)->data2; }

Value newFdRecord(VM& vm) {
  Ref holder = newValueArray(vm, 1, 1);
  if (!holder) return Value::exception();
  Root h(vm.heap(), Value::cell(holder));
  Ref entries = newValueArray(vm, 8 * kFdFields, 0);
  if (!entries) return Value::exception();
  vm.cell<ValueArrayCell>(h.get())->data()[0] = Value::cell(entries);
  return h.get();
}

ValueArrayCell* fdEntries(VM& vm, Value record) {
  return vm.cell<ValueArrayCell>(vm.cell<ValueArrayCell>(record)->data()[0]);
}

enum class FdState : uint8_t { Open, Free, Stale };
struct FdEntry {
  FdState state;
  int osFd = -1;
  uint32_t tableIndex = UINT32_MAX;  // UINT32_MAX: a standard stream
};

FdEntry lookupFd(VM& vm, Value record, int fd) {
  if (fd < kFirstTableFd) return {FdState::Open, fd};
  if (!record.isCell()) return {FdState::Free};
  ValueArrayCell* entries = fdEntries(vm, record);
  uint64_t slot = uint64_t(fd - kFirstTableFd) * kFdFields;
  if (slot + kFdFields > entries->length) return {FdState::Free};
  const Value* e = entries->data() + slot;
  if (e[0].isUndefined()) return {FdState::Free};
  if (e[0].toDouble() != double(vm.hostFileEpoch)) return {FdState::Stale};
  uint32_t index = uint32_t(e[1].asInt());
  if (index >= vm.hostFiles.size() || vm.hostFiles[index] < 0) return {FdState::Free};
  return {FdState::Open, vm.hostFiles[index], index};
}

// Forgets JS fd `fd` (the caller closes its OS fd, if any).
void releaseFd(VM& vm, Value record, int fd) {
  ValueArrayCell* entries = fdEntries(vm, record);
  uint32_t slot = uint32_t(fd - kFirstTableFd) * kFdFields;
  for (uint32_t i = 0; i < kFdFields; i++) entries->data()[slot + i] = Value::undefined();
  while (entries->length >= kFdFields && entries->data()[entries->length - kFdFields].isUndefined())
    entries->length -= kFdFields;
}

// A new JS fd for `osFd`, opened as `path`; closes osFd on failure.
Value allocateFd(VM& vm, Value record, int osFd, const std::string& path) {
  Root rec(vm.heap(), record);
  Value p = newStringUtf8(vm, path);
  if (p.isException()) {
    ::close(osFd);
    return p;
  }
  Root pathValue(vm.heap(), p);
  // The lowest free fd, as POSIX open() picks.
  ValueArrayCell* entries = fdEntries(vm, rec.get());
  uint32_t slot = 0;
  while (slot < entries->length && !entries->data()[slot].isUndefined()) slot += kFdFields;
  if (slot + kFdFields > entries->capacity) {
    uint32_t capacity = entries->capacity * 2;
    if (capacity > uint32_t(INT32_MAX - kFirstTableFd)) {
      ::close(osFd);
      return throwErrno(vm, EMFILE, "open", &path);
    }
    Ref grown = newValueArray(vm, capacity, 0);
    if (!grown) {
      ::close(osFd);
      return Value::exception();
    }
    entries = fdEntries(vm, rec.get());
    auto* g = vm.cell<ValueArrayCell>(grown);
    std::copy_n(entries->data(), entries->length, g->data());
    g->length = entries->length;
    vm.cell<ValueArrayCell>(rec.get())->data()[0] = Value::cell(grown);
    entries = g;
  }
  uint32_t index = 0;
  while (index < vm.hostFiles.size() && vm.hostFiles[index] >= 0) index++;
  if (index == vm.hostFiles.size()) vm.hostFiles.push_back(osFd);
  else vm.hostFiles[index] = osFd;
  Value* e = entries->data() + slot;
  e[0] = Value::number(double(vm.hostFileEpoch));
  e[1] = Value::int32(int32_t(index));
  e[2] = pathValue.get();
  entries->length = std::max(entries->length, slot + kFdFields);
  return Value::int32(int32_t(slot / kFdFields) + kFirstTableFd);
}

// The clear error for an fd that an image brought back: EBADF, with why.
Value throwStaleFd(VM& vm, Value record, int fd, const char* syscall) {
  const Value* e = fdEntries(vm, record)->data() + uint32_t(fd - kFirstTableFd) * kFdFields;
  std::string detail = " (fd " + std::to_string(fd);
  if (e[2].isString()) detail += ", '" + toUtf8(vm, e[2]) + "'";
  detail += "): the file was opened before the checkpoint this program resumed from, and open files do not "
            "survive an image; reopen it";
  return throwErrno(vm, EBADF, syscall, nullptr, nullptr, &detail);
}

// The OS fd of JS fd `fd`, or false with EBADF thrown (as `syscall` fails).
bool resolveFd(VM& vm, Value record, int fd, const char* syscall, int* osFd,
               ErrnoKeys order = ErrnoKeys::CodeFirst) {
  FdEntry entry = lookupFd(vm, record, fd);
  if (entry.state == FdState::Stale) {
    throwStaleFd(vm, record, fd, syscall);
    return false;
  }
  if (entry.state == FdState::Free) {
    throwErrno(vm, EBADF, syscall, nullptr, nullptr, nullptr, order);
    return false;
  }
  *osFd = entry.osFd;
  return true;
}

std::string numberText(VM& vm, Value v) {
  Value s = numberToString(vm, v.toDouble());
  if (s.isException()) {
    vm.takeException();
    return "NaN";
  }
  return toUtf8(vm, s);
}

Value throwOutOfRange(VM& vm, const char* name, const std::string& range, Value received) {
  return throwNodeError(vm, ErrorType::RangeError, "ERR_OUT_OF_RANGE",
                        std::string("The value of \"") + name + "\" is out of range. It must be " + range +
                            ". Received " + numberText(vm, received));
}

// Node's validateInteger(value, name, min, max) for Numbers.
bool integerArg(VM& vm, Value v, const char* name, double min, double max, double* out, const char* types = "number") {
  if (!v.isNumber()) {
    throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE",
                   std::string("The \"") + name + "\" argument must be of type " + types + "." +
                       describeReceived(vm, v));
    return false;
  }
  double d = v.toDouble();
  if (d != std::trunc(d) || std::isnan(d)) {
    throwOutOfRange(vm, name, "an integer", v);
    return false;
  }
  if (d < min || d > max) {
    throwOutOfRange(vm, name, ">= " + numberText(vm, Value::number(min)) + " && <= " + numberText(vm, Value::number(max)), v);
    return false;
  }
  *out = d;
  return true;
}

// Node's getValidatedFd.
bool fdArg(VM& vm, Value v, int* fd) {
  double d;
  if (!integerArg(vm, v, "fd", 0, INT32_MAX, &d)) return false;
  *fd = int(d);
  return true;
}

// Node's stringToFlags: a number as is, the strings of fs.open's table.
bool flagsArg(VM& vm, Value v, int* out) {
  if (v.isNullish()) {
    *out = O_RDONLY;
    return true;
  }
  if (v.isNumber()) {
    *out = int(v.toDouble());
    return true;
  }
  static constexpr std::pair<const char*, int> kFlags[] = {
      {"r", O_RDONLY},
      {"rs", O_RDONLY | O_SYNC},
      {"sr", O_RDONLY | O_SYNC},
      {"r+", O_RDWR},
      {"rs+", O_RDWR | O_SYNC},
      {"sr+", O_RDWR | O_SYNC},
      {"w", O_TRUNC | O_CREAT | O_WRONLY},
      {"wx", O_TRUNC | O_CREAT | O_WRONLY | O_EXCL},
      {"xw", O_TRUNC | O_CREAT | O_WRONLY | O_EXCL},
      {"w+", O_TRUNC | O_CREAT | O_RDWR},
      {"wx+", O_TRUNC | O_CREAT | O_RDWR | O_EXCL},
      {"xw+", O_TRUNC | O_CREAT | O_RDWR | O_EXCL},
      {"a", O_APPEND | O_CREAT | O_WRONLY},
      {"ax", O_APPEND | O_CREAT | O_WRONLY | O_EXCL},
      {"xa", O_APPEND | O_CREAT | O_WRONLY | O_EXCL},
      {"as", O_APPEND | O_CREAT | O_WRONLY | O_SYNC},
      {"sa", O_APPEND | O_CREAT | O_WRONLY | O_SYNC},
      {"a+", O_APPEND | O_CREAT | O_RDWR},
      {"ax+", O_APPEND | O_CREAT | O_RDWR | O_EXCL},
      {"xa+", O_APPEND | O_CREAT | O_RDWR | O_EXCL},
      {"as+", O_APPEND | O_CREAT | O_RDWR | O_SYNC},
      {"sa+", O_APPEND | O_CREAT | O_RDWR | O_SYNC},
  };
  if (v.isString()) {
    std::string s = toUtf8(vm, v);
    for (auto [name, flags] : kFlags)
      if (s == name) {
        *out = flags;
        return true;
      }
  }
  std::string text = inspect(vm, v);
  if (vm.hasException()) return false;
  throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_VALUE",
                 "The argument 'flags' is invalid. Received " + text);
  return false;
}

// Node's parseFileMode: a 32-bit unsigned integer or an octal string.
bool modeArg(VM& vm, Value v, mode_t def, mode_t* out) {
  if (v.isUndefined()) {
    *out = def;
    return true;
  }
  if (v.isString()) {
    std::string s = toUtf8(vm, v);
    bool octal = !s.empty() && s.size() <= 11 && s.find_first_not_of("01234567") == std::string::npos;
    if (!octal) {
      throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_VALUE",
                     "The argument 'mode' must be a 32-bit unsigned integer or an octal string. Received '" + s + "'");
      return false;
    }
    *out = mode_t(std::stoull(s, nullptr, 8) & 0xFFFFFFFFu);
    return true;
  }
  double d;
  if (!integerArg(vm, v, "mode", 0, 4294967295.0, &d)) return false;
  *out = mode_t(d);
  return true;
}

// The bytes a Buffer, TypedArray or DataView views: its ArrayBuffer, the
// view's byte offset in it and its byte length. False when `v` is no view.
bool viewArg(VM& vm, Value v, Value* buffer, double* byteOffset, double* byteLength) {
  if (!v.isObject()) return false;
  CellKind kind = kindOf(vm, v);
  if (kind == CellKind::TypedArray) {
    *buffer = typedArrayBuffer(vm, v);
    *byteOffset = typedArrayByteOffset(vm, v);
    *byteLength = isTypedArrayOutOfBounds(vm, v) ? 0 : typedArrayByteLength(vm, v);
    return true;
  }
  if (kind == CellKind::DataView) {
    auto* view = vm.cell<InternalObjectCell>(v);
    *buffer = view->internal[0];
    *byteOffset = view->internal[1].toDouble();
    double bufferLength = arrayBufferByteLength(vm, *buffer);
    *byteLength = view->internal[2].isUndefined() ? bufferLength - *byteOffset : view->internal[2].toDouble();
    if (*byteOffset + *byteLength > bufferLength) *byteLength = 0;
    return true;
  }
  return false;
}

// Where the bytes of a view start now (allocation can move nothing, but a
// getter run since the view was examined can detach its buffer).
uint8_t* viewData(VM& vm, Value view) {
  Value buffer;
  double offset, length;
  if (!viewArg(vm, view, &buffer, &offset, &length) || length == 0) return nullptr;
  uint8_t* data = arrayBufferData(vm, buffer);
  return data ? data + size_t(offset) : nullptr;
}

Value getOption(VM& vm, Value options, const char* name) {
  Root o(vm.heap(), options);
  Value key = KILN_TRY(keyFor(vm, name));
  return get(vm, o.get(), key);
}

// A `position` argument: -1 (the current position) for null/undefined.
bool positionArg(VM& vm, Value v, double* out) {
  if (v.isNullish()) {
    *out = -1;
    return true;
  }
  return integerArg(vm, v, "position", -1, kMaxSafeInteger, out, "bigint or integer");
}

// Writes all of `bytes` to JS fd `fd`'s OS fd, at `position` (-1: the
// current one). The standard output streams go through vm.write, so that
// they stay in order with console output and the host's capture.
bool writeFd(VM& vm, int osFd, const uint8_t* bytes, size_t size, double position) {
  if (osFd == 1 || osFd == 2) {
    vm.write(osFd, std::string_view(reinterpret_cast<const char*>(bytes), size));
    return true;
  }
  size_t done = 0;
  while (done < size) {
    ssize_t n = position >= 0 ? ::pwrite(osFd, bytes + done, size - done, off_t(position + double(done)))
                              : ::write(osFd, bytes + done, size - done);
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
  if (!ownFd) {
    int osFd;
    if (!resolveFd(vm, fdRecord(vm, info), fd, "write", &osFd)) return Value::exception();
    if (!writeFd(vm, osFd, reinterpret_cast<const uint8_t*>(data.data()), data.size(), -1))
      return throwErrno(vm, errno, "write", nullptr);
    return Value::undefined();
  }
  bool ok = writeAll(fd, data);
  int err = errno;
  ::close(fd);
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
  } else {
    // From the fd's current position; Node checks the fd with fstat first.
    struct stat st;
    if (!resolveFd(vm, fdRecord(vm, info), fd, "fstat", &fd)) return Value::exception();
    if (::fstat(fd, &st) != 0) return throwErrno(vm, errno, "fstat", nullptr);
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

// ---- file descriptors: openSync, closeSync, readSync, writeSync, fstatSync ----

// fs.openSync(path[, flags[, mode]]): a JS fd (see fdRecord).
Value native_FsOpenSync(VM& vm, CallInfo& info) {
  std::string path;
  int flags;
  mode_t mode;
  if (!pathArg(vm, info.arg(0), "path", &path) || !flagsArg(vm, info.arg(1), &flags) ||
      !modeArg(vm, info.arg(2), 0666, &mode))
    return Value::exception();
  int osFd;
  do osFd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  while (osFd < 0 && errno == EINTR);
  if (osFd < 0) return throwErrno(vm, errno, "open", &path);
  return allocateFd(vm, fdRecord(vm, info), osFd, path);
}

// fs.closeSync(fd). The standard streams stay open: closing the host's own
// stdout under a VM that shares the process would break every other VM.
Value native_FsCloseSync(VM& vm, CallInfo& info) {
  int fd;
  if (!fdArg(vm, info.arg(0), &fd)) return Value::exception();
  if (fd < kFirstTableFd) return Value::undefined();
  Value record = fdRecord(vm, info);
  FdEntry entry = lookupFd(vm, record, fd);
  if (entry.state == FdState::Free) return throwErrno(vm, EBADF, "close", nullptr);
  if (entry.state == FdState::Stale) {
    // Its OS fd is not ours (another process had it): only the entry goes.
    Value error = throwStaleFd(vm, record, fd, "close");
    releaseFd(vm, record, fd);
    return error;
  }
  releaseFd(vm, record, fd);
  vm.hostFiles[entry.tableIndex] = -1;
  // The fd is released even when close reports an error (POSIX leaves it
  // unspecified otherwise; Linux always releases it).
  if (::close(entry.osFd) != 0 && errno != EINTR) return throwErrno(vm, errno, "close", nullptr);
  return Value::undefined();
}

// The { offset, length, position } options of readSync and writeSync (an
// object, or nullish for none) into the three: offset defaults to 0 and
// length to the view's byteLength - offset, as node computes them. False
// with an exception pending when a getter or conversion throws.
bool optionsArgs(VM& vm, Value options, double byteLength, Root& offset, Root& length, Root& position) {
  Root o(vm.heap(), options);
  offset.set(Value::undefined());
  length.set(Value::undefined());
  position.set(Value::undefined());
  if (o.get().isObject()) {
    Value v = getOption(vm, o.get(), "offset");
    if (v.isException()) return false;
    offset.set(v);
    if ((v = getOption(vm, o.get(), "length")).isException()) return false;
    length.set(v);
    if ((v = getOption(vm, o.get(), "position")).isException()) return false;
    position.set(v);
  }
  if (offset.get().isUndefined()) offset.set(Value::int32(0));
  if (length.get().isUndefined()) {
    Value n = toNumber(vm, offset.get());
    if (n.isException()) return false;
    length.set(Value::number(byteLength - n.toDouble()));
  }
  return true;
}

// fs.readSync(fd, buffer, offset, length, position) or
// fs.readSync(fd, buffer[, { offset, length, position }]): bytes read.
Value native_FsReadSync(VM& vm, CallInfo& info) {
  int fd;
  if (!fdArg(vm, info.arg(0), &fd)) return Value::exception();
  Root view(vm.heap(), info.arg(1));
  Value buffer;
  double byteOffset, byteLength;
  if (!viewArg(vm, view.get(), &buffer, &byteOffset, &byteLength))
    return throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE",
                          "The \"buffer\" argument must be an instance of Buffer, TypedArray, or DataView." +
                              describeReceived(vm, view.get()));
  Root offset(vm.heap(), info.arg(2)), length(vm.heap(), info.arg(3)), position(vm.heap(), info.arg(4));
  if (info.argc <= 3 || offset.get().isObject() || offset.get().isNull()) {
    Value options = offset.get();
    if (!options.isNullish() && !options.isObject())
      return throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE",
                            "The \"options\" argument must be of type object." + describeReceived(vm, options));
    if (!optionsArgs(vm, options, byteLength, offset, length, position)) return Value::exception();
  }
  double off = 0, pos;
  if (!offset.get().isUndefined() && !integerArg(vm, offset.get(), "offset", 0, kMaxSafeInteger, &off))
    return Value::exception();
  Value len = KILN_TRY(toInt32(vm, length.get()));  // length |= 0
  double count = len.toDouble();
  if (count == 0) return Value::int32(0);
  // The view again: user code (getters, valueOf) may have run since.
  if (!viewArg(vm, view.get(), &buffer, &byteOffset, &byteLength)) return Value::exception();
  if (byteLength == 0) {
    std::string shown = inspect(vm, view.get());
    if (vm.hasException()) return Value::exception();
    return throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_VALUE",
                          "The argument 'buffer' is empty and cannot be written. Received " + shown);
  }
  if (count < 0) return throwOutOfRange(vm, "length", ">= 0", len);
  if (off + count > byteLength)
    return throwOutOfRange(vm, "length", "<= " + numberText(vm, Value::number(byteLength - off)), len);
  if (!positionArg(vm, position.get(), &pos)) return Value::exception();
  int osFd;
  if (!resolveFd(vm, fdRecord(vm, info), fd, "read", &osFd)) return Value::exception();
  uint8_t* data = viewData(vm, view.get());
  if (!data) return Value::int32(0);
  ssize_t n;
  do n = pos >= 0 ? ::pread(osFd, data + size_t(off), size_t(count), off_t(pos)) : ::read(osFd, data + size_t(off), size_t(count));
  while (n < 0 && errno == EINTR);
  if (n < 0) return throwErrno(vm, errno, "read", nullptr);
  return Value::number(double(n));
}

// fs.writeSync(fd, buffer, offset[, length[, position]]),
// fs.writeSync(fd, buffer[, { offset, length, position }]) and
// fs.writeSync(fd, string[, position[, encoding]]): bytes written.
Value native_FsWriteSync(VM& vm, CallInfo& info) {
  int fd;
  if (!fdArg(vm, info.arg(0), &fd)) return Value::exception();
  Root data(vm.heap(), info.arg(1));
  Value buffer;
  double byteOffset, byteLength;
  if (viewArg(vm, data.get(), &buffer, &byteOffset, &byteLength)) {
    Root offset(vm.heap(), info.arg(2)), length(vm.heap(), info.arg(3)), position(vm.heap(), info.arg(4));
    if (offset.get().isObject() || offset.get().isNull()) {
      if (!optionsArgs(vm, offset.get(), byteLength, offset, length, position)) return Value::exception();
    }
    if (!viewArg(vm, data.get(), &buffer, &byteOffset, &byteLength)) return Value::exception();
    double off = offset.get().isNumber() ? offset.get().toDouble() : 0;
    double count = length.get().isNumber() ? length.get().toDouble() : byteLength - off;
    double pos = position.get().isNumber() ? position.get().toDouble() : -1;
    if (off > byteLength)
      return throwOutOfRange(vm, "offset", "<= " + numberText(vm, Value::number(byteLength)), Value::number(off));
    if (count > byteLength - off)
      return throwOutOfRange(vm, "length", "<= " + numberText(vm, Value::number(byteLength - off)),
                             Value::number(count));
    if (count < 0) return throwOutOfRange(vm, "length", ">= 0", Value::number(count));
    double checked;
    if (!integerArg(vm, Value::number(count), "length", 0, INT32_MAX, &checked) ||
        !integerArg(vm, Value::number(off), "offset", 0, kMaxSafeInteger, &checked))
      return Value::exception();
    if (pos < 0 || pos != std::trunc(pos)) pos = -1;
    int osFd;
    if (!resolveFd(vm, fdRecord(vm, info), fd, "write", &osFd, ErrnoKeys::SyscallFirst)) return Value::exception();
    uint8_t* bytes = viewData(vm, data.get());
    if (!bytes || count == 0) return Value::int32(0);
    // A copy: vm.write may run host code that allocates.
    std::string copy(reinterpret_cast<const char*>(bytes) + size_t(off), size_t(count));
    if (!writeFd(vm, osFd, reinterpret_cast<const uint8_t*>(copy.data()), copy.size(), pos))
      return throwErrno(vm, errno, "write", nullptr, nullptr, nullptr, ErrnoKeys::SyscallFirst);
    return Value::number(count);
  }
  if (!data.get().isString())
    return throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE",
                          "The \"buffer\" argument must be of type string or an instance of Buffer, TypedArray, or "
                          "DataView." + describeReceived(vm, data.get()));
  std::string encoding = "utf8";
  if (info.arg(3).isString() && !readOptions(vm, info.arg(3), &encoding, nullptr)) return Value::exception();
  double pos = info.arg(2).isNumber() ? info.arg(2).toDouble() : -1;
  if (pos < 0 || pos != std::trunc(pos)) pos = -1;
  std::string bytes;
  if (!encodeString(vm, data.get(), encoding, &bytes)) return Value::exception();
  int osFd;
  if (!resolveFd(vm, fdRecord(vm, info), fd, "write", &osFd, ErrnoKeys::SyscallFirst)) return Value::exception();
  if (!writeFd(vm, osFd, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), pos))
    return throwErrno(vm, errno, "write", nullptr, nullptr, nullptr, ErrnoKeys::SyscallFirst);
  return Value::number(double(bytes.size()));
}

// fs.fstatSync(fd[, options])
Value native_FsFstatSync(VM& vm, CallInfo& info) {
  int fd, osFd;
  if (!fdArg(vm, info.arg(0), &fd) || !resolveFd(vm, fdRecord(vm, info), fd, "fstat", &osFd))
    return Value::exception();
  struct stat st;
  if (::fstat(osFd, &st) != 0) return throwErrno(vm, errno, "fstat", nullptr);
  return statsObject(vm, calleeData(vm, info, 0), st);
}

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
      {"writeFile", NativeId::FsWriteFile},       {"openSync", NativeId::FsOpenSync},
      {"closeSync", NativeId::FsCloseSync},       {"readSync", NativeId::FsReadSync},
      {"writeSync", NativeId::FsWriteSync},       {"fstatSync", NativeId::FsFstatSync},
  };
  // The fd record, shared by every function that takes fds (all of them
  // here, for simplicity: the slot is otherwise unused).
  Root fdRecordValue(vm.heap(), KILN_TRY(newFdRecord(vm)));
  for (const Entry& e : kFunctions) {
    Value f = KILN_TRY(defineMethod(vm, fs, e.name, e.id, -1, kDefaultAttrs));
    auto* c = vm.cell<NativeFunctionCell>(f);
    c->data2 = fdRecordValue.get();
    if (e.id == NativeId::FsStatSync || e.id == NativeId::FsLstatSync || e.id == NativeId::FsFstatSync)
      c->data0 = statsProto.get();
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
