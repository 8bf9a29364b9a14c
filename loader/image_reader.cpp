// ImageFile: maps an image and validates it before anything else reads it.
//
// Every byte is untrusted. The checks run in a fixed order, each with its
// ImageError and a one-line message starting with the error's name:
//   cannot open / not a file / empty   the file itself
//   bad magic                           the first min(size, 4) bytes are not "KILN"
//                                       (checked before "truncated" so that a
//                                       short file that is not an image is not
//                                       called a truncated image)
//   truncated                           shorter than the preamble
//   format version                      before any other preamble field is read:
//                                       another version may lay them out otherwise
//   truncated                           shorter than the preamble announces
//   checksum                            any byte differs, or trailing data
//   bad manifest                        the message does not decode, or an offset,
//                                       size or enum in it is out of range
//   platform / engine version / fingerprint   against Expectations
// The manifest is decoded completely at open, inside one try block, so no
// accessor can meet a malformed message later; only the heaps and the cold
// blobs (bounds already checked) are read afterwards.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/interprocess/file_mapping.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <fmt/format.h>
#include <zstd.h>

#include <chrono>
#include <cstring>
#include <limits>
#include <system_error>

#include "snapshot/image.capnp.h"
#include "snapshot/image_file.h"
#include "snapshot/image_internal.h"

namespace kiln::image {

namespace bip = boost::interprocess;
using detail::loadU32;
using detail::loadU64;

// Above this a decompressed size is refused as corrupt: the cage is 4 GiB.
constexpr uint64_t kMaxRawBytes = uint64_t(4) << 30;

std::string currentPlatform() {
#if defined(__linux__)
  constexpr const char* os = "linux";
#elif defined(__APPLE__)
  constexpr const char* os = "darwin";
#elif defined(__FreeBSD__)
  constexpr const char* os = "freebsd";
#else
  constexpr const char* os = "unknown";
#endif
#if defined(__x86_64__)
  constexpr const char* cpu = "x86_64";
#elif defined(__aarch64__)
  constexpr const char* cpu = "aarch64";
#elif defined(__riscv) && __riscv_xlen == 64
  constexpr const char* cpu = "riscv64";
#else
  constexpr const char* cpu = "unknown";
#endif
  return fmt::format("{}-{}", os, cpu);
}

const char* errorName(ImageError e) {
  switch (e) {
    case ImageError::None: return "none";
    case ImageError::CannotOpen: return "cannot open";
    case ImageError::NotAFile: return "not a file";
    case ImageError::Empty: return "empty";
    case ImageError::Truncated: return "truncated";
    case ImageError::BadMagic: return "bad magic";
    case ImageError::FormatVersion: return "format version";
    case ImageError::Checksum: return "checksum";
    case ImageError::BadManifest: return "bad manifest";
    case ImageError::Platform: return "platform";
    case ImageError::EngineVersion: return "engine version";
    case ImageError::Fingerprint: return "fingerprint";
    case ImageError::NoSuchEntry: return "no such entry";
    case ImageError::BadHeap: return "bad heap";
  }
  return "unknown";
}

int errorExitCode(ImageError e) {
  switch (e) {
    case ImageError::None: return 0;
    case ImageError::CannotOpen:
    case ImageError::NotAFile: return 66;  // EX_NOINPUT
    case ImageError::Empty:
    case ImageError::Truncated:
    case ImageError::BadMagic:
    case ImageError::Checksum:
    case ImageError::BadManifest:
    case ImageError::BadHeap: return 65;  // EX_DATAERR
    case ImageError::FormatVersion:
    case ImageError::Platform:
    case ImageError::EngineVersion:
    case ImageError::Fingerprint: return 78;  // EX_CONFIG: valid, but not for this kiln
    case ImageError::NoSuchEntry: return 64;  // EX_USAGE
  }
  return 70;
}

namespace {

struct EntryData {
  std::string name, path;
  uint32_t heapBase = 0;
  uint64_t heapOffset = 0, storedBytes = 0, rawBytes = 0;
  bool zstd = false;
  std::vector<uint64_t> roots;
  std::vector<PatchEntry> patches;
  std::vector<ModuleInfo> modules;
  PausePoint pause;
  std::vector<KindStat> heapKinds;
};

// A cold blob; `data` points into the image (or the manifest's aligned copy).
struct BlobRef {
  std::string name;
  const uint8_t* data = nullptr;
  uint64_t storedBytes = 0, rawBytes = 0, offset = 0;
  bool zstd = false;
};

using Clock = std::chrono::steady_clock;

double microsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

std::string errnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

std::string sizeText(uint64_t bytes) { return fmt::format("{} byte{}", bytes, bytes == 1 ? "" : "s"); }

// Decompresses one zstd frame of exactly `rawBytes` into dest. A frame that
// announces another size, or more than one frame, is refused.
bool inflate(const uint8_t* src, size_t storedBytes, uint8_t* dest, size_t rawBytes, std::string* why) {
  unsigned long long announced = ZSTD_getFrameContentSize(src, storedBytes);
  if (announced == ZSTD_CONTENTSIZE_ERROR) {
    *why = "not a zstd frame";
    return false;
  }
  if (announced != ZSTD_CONTENTSIZE_UNKNOWN && announced != rawBytes) {
    *why = fmt::format("its zstd frame holds {}, the manifest announces {}", sizeText(announced), sizeText(rawBytes));
    return false;
  }
  size_t frame = ZSTD_findFrameCompressedSize(src, storedBytes);
  if (ZSTD_isError(frame) || frame != storedBytes) {
    *why = ZSTD_isError(frame) ? fmt::format("zstd: {}", ZSTD_getErrorName(frame)) : "trailing bytes after its zstd frame";
    return false;
  }
  size_t n = ZSTD_decompress(dest, rawBytes, src, storedBytes);
  if (ZSTD_isError(n)) {
    *why = fmt::format("zstd: {}", ZSTD_getErrorName(n));
    return false;
  }
  if (n != rawBytes) {
    *why = fmt::format("it decompresses to {}, the manifest announces {}", sizeText(n), sizeText(rawBytes));
    return false;
  }
  return true;
}

// Sets *failure to `error` with the message "<name>: <detail>" (or
// "<name> <detail>" when the detail continues the name, as in "checksum
// mismatch: ...").
bool fail(LoadFailure* failure, ImageError error, std::string detail, bool continuesName = false) {
  if (failure) {
    failure->error = error;
    failure->message = fmt::format("{}{}{}", errorName(error), continuesName ? " " : ": ", detail);
  }
  return false;
}

}  // namespace

struct ImageFile::Impl {
  // The mapping, for open() and openBundled(); fromBytes() has none.
  std::optional<bip::file_mapping> file;
  std::optional<bip::mapped_region> region;
  int fd = -1;                  // owned by `file`; mapHeap maps sections from it
  uint64_t imageOffsetInFile = 0;  // non-zero in a bundle

  const uint8_t* bytes = nullptr;
  size_t size = 0;
  uint64_t manifestOffset = 0, manifestBytes = 0;
  kj::Array<capnp::word> manifestCopy;  // only when the manifest is not word-aligned in memory

  std::string engineVersion, platform;
  uint64_t nativesFingerprint = 0;
  uint32_t flags = 0;
  HeapCompression heapCompression = HeapCompression::Zstd;
  std::vector<EntryData> entries;
  std::vector<BlobRef> sources, assets;
  std::vector<std::pair<std::string, uint64_t>> stats;

  bool validate(const Expectations& expect, LoadFailure* failure, LoadProfile* profile);
  bool checkPreamble(LoadFailure* failure);
  bool decodeManifest(LoadFailure* failure);
  bool decodeManifestUnchecked(LoadFailure* failure);
  bool checkExpectations(const Expectations& expect, LoadFailure* failure);
  const EntryData& entry(size_t i) const { return entries.at(i); }
};

bool ImageFile::Impl::checkPreamble(LoadFailure* failure) {
  if (size == 0) return fail(failure, ImageError::Empty, "the file has no bytes");
  size_t magicBytes = std::min(size, sizeof(kMagic));
  if (std::memcmp(bytes, kMagic, magicBytes) != 0) {
    std::string start;
    for (size_t i = 0; i < magicBytes; ++i) start += fmt::format("{}{:02x}", i ? " " : "", bytes[i]);
    return fail(failure, ImageError::BadMagic, fmt::format("not a kiln image (it starts with {}, not \"KILN\")", start));
  }
  if (size < kPreambleBytes)
    return fail(failure, ImageError::Truncated,
                fmt::format("the file has {}, fewer than the {}-byte preamble", sizeText(size), kPreambleBytes));
  uint32_t version = loadU32(bytes + detail::kVersionAt);
  if (version != kFormatVersion)
    return fail(failure, ImageError::FormatVersion,
                fmt::format("the image has format version {}, this kiln reads version {} (recompile the image)",
                            version, kFormatVersion));
  uint64_t fileBytes = loadU64(bytes + detail::kFileBytesAt);
  if (fileBytes > size)
    return fail(failure, ImageError::Truncated,
                fmt::format("the file has {}, its preamble announces {}", sizeText(size), fileBytes));
  return true;
}

bool ImageFile::Impl::validate(const Expectations& expect, LoadFailure* failure, LoadProfile* profile) {
  if (!checkPreamble(failure)) return false;

  auto start = Clock::now();
  uint64_t fileBytes = loadU64(bytes + detail::kFileBytesAt);
  uint64_t stored = loadU64(bytes + detail::kChecksumAt);
  if (fileBytes != size)
    return fail(failure, ImageError::Checksum,
                fmt::format("mismatch: the file has {}, its preamble announces {} (trailing data)", sizeText(size),
                            fileBytes),
                true);
  uint64_t actual = detail::imageChecksum(bytes, size);
  if (profile) profile->phases.emplace_back("checksum", microsSince(start));
  if (actual != stored)
    return fail(failure, ImageError::Checksum,
                fmt::format("mismatch: the bytes hash to {:016x}, the preamble records {:016x} (the file is corrupt)",
                            actual, stored),
                true);

  start = Clock::now();
  if (!decodeManifest(failure)) return false;
  if (profile) profile->phases.emplace_back("manifest", microsSince(start));
  return checkExpectations(expect, failure);
}

bool ImageFile::Impl::decodeManifest(LoadFailure* failure) {
  try {
    return decodeManifestUnchecked(failure);
  } catch (const kj::Exception& e) {
    return fail(failure, ImageError::BadManifest, fmt::format("the message does not decode: {}", e.getDescription().cStr()));
  } catch (const std::bad_alloc&) {
    return fail(failure, ImageError::BadManifest, "the message announces more data than fits in memory");
  } catch (const std::length_error&) {
    return fail(failure, ImageError::BadManifest, "the message announces more data than fits in memory");
  }
}

bool ImageFile::Impl::decodeManifestUnchecked(LoadFailure* failure) {
  auto bad = [&](std::string detail) { return fail(failure, ImageError::BadManifest, std::move(detail)); };
  manifestOffset = loadU64(bytes + detail::kManifestOffsetAt);
  manifestBytes = loadU64(bytes + detail::kManifestBytesAt);
  if (manifestOffset < kPreambleBytes || manifestOffset % 8 != 0 || manifestBytes == 0 || manifestBytes % 8 != 0 ||
      manifestOffset > size || manifestBytes > size - manifestOffset)
    return bad(fmt::format("the manifest at offset {} ({} bytes) is misplaced in a file of {}", manifestOffset,
                           manifestBytes, sizeText(size)));
  const uint64_t manifestEnd = manifestOffset + manifestBytes;

  // Read in place when word-aligned (always so for a mapped file); copy
  // otherwise, since Cap'n Proto requires aligned words.
  const uint8_t* manifestAt = bytes + manifestOffset;
  size_t words = manifestBytes / sizeof(capnp::word);
  const capnp::word* wordsAt = reinterpret_cast<const capnp::word*>(manifestAt);
  if (reinterpret_cast<uintptr_t>(manifestAt) % alignof(capnp::word) != 0) {
    manifestCopy = kj::heapArray<capnp::word>(words);
    std::memcpy(manifestCopy.begin(), manifestAt, manifestBytes);
    wordsAt = manifestCopy.begin();
  }
  const uint8_t* manifestBase = reinterpret_cast<const uint8_t*>(wordsAt);

  capnp::ReaderOptions options;
  // Every object is read once; the limit only stops a message whose pointers
  // alias each other from costing more than a few passes over its size.
  options.traversalLimitInWords = 4 * words + 1024;
  options.nestingLimit = 16;
  capnp::FlatArrayMessageReader reader(kj::ArrayPtr<const capnp::word>(wordsAt, words), options);
  if (reader.getEnd() != wordsAt + words) return bad("the message does not fill its section");
  auto manifest = reader.getRoot<schema::Manifest>();

  auto header = manifest.getHeader();
  if (header.getFormatVersion() != kFormatVersion)
    return bad(fmt::format("the header says format version {}, the preamble {}", header.getFormatVersion(),
                           kFormatVersion));
  engineVersion = header.getEngineVersion();
  platform = header.getPlatform();
  nativesFingerprint = header.getNativesFingerprint();
  flags = header.getFlags();
  switch (header.getHeapCompression()) {
    case schema::Compression::ZSTD: heapCompression = HeapCompression::Zstd; break;
    case schema::Compression::NONE: heapCompression = HeapCompression::None; break;
    default: return bad("unknown heap compression");
  }

  auto entryList = manifest.getEntries();
  if (entryList.size() == 0) return bad("the image has no entry");
  entries.resize(entryList.size());
  for (unsigned i = 0; i < entryList.size(); ++i) {
    auto in = entryList[i];
    EntryData& e = entries[i];
    e.name = in.getName();
    e.path = in.getPath();
    e.heapBase = in.getHeapBase();
    auto heap = in.getHeap();
    e.heapOffset = heap.getOffset();
    e.storedBytes = heap.getStoredBytes();
    e.rawBytes = heap.getRawBytes();
    auto compression = heap.getCompression();
    if (compression != schema::Compression::ZSTD && compression != schema::Compression::NONE)
      return bad(fmt::format("entry {}: unknown heap compression", e.name));
    e.zstd = compression == schema::Compression::ZSTD;
    if (e.heapOffset % kHeapAlignment != 0 || e.heapOffset < manifestEnd || e.heapOffset > size ||
        e.storedBytes > size - e.heapOffset)
      return bad(fmt::format("entry {}: its heap section at offset {} ({} bytes) is misplaced in a file of {}", e.name,
                             e.heapOffset, e.storedBytes, sizeText(size)));
    if (e.rawBytes > kMaxRawBytes || (!e.zstd && e.rawBytes != e.storedBytes) || (e.zstd && e.storedBytes == 0))
      return bad(fmt::format("entry {}: its heap section announces {} raw bytes for {} stored", e.name, e.rawBytes,
                             e.storedBytes));

    auto roots = in.getRoots();
    e.roots.resize(roots.size());
    for (unsigned r = 0; r < roots.size(); ++r) e.roots[r] = roots[r];

    auto patches = in.getPatches();
    e.patches.resize(patches.size());
    for (unsigned p = 0; p < patches.size(); ++p)
      e.patches[p] = PatchEntry{patches[p].getKind(), patches[p].getRef(), patches[p].getArg()};

    auto modules = in.getModules();
    e.modules.resize(modules.size());
    for (unsigned m = 0; m < modules.size(); ++m) {
      ModuleInfo& out = e.modules[m];
      out.path = modules[m].getPath();
      out.preinitialized = modules[m].getPreinitialized();
      for (auto d : modules[m].getDependencies()) out.dependencies.emplace_back(d);
      for (auto x : modules[m].getExports()) out.exports.emplace_back(x);
    }

    auto pause = in.getPause();
    e.pause.kind = pause.getKind();
    e.pause.file = pause.getFile();
    e.pause.line = pause.getLine();
    e.pause.column = pause.getColumn();
    e.pause.native = pause.getNative();
    e.pause.detail = pause.getDetail();

    auto kinds = in.getHeapKinds();
    e.heapKinds.resize(kinds.size());
    for (unsigned k = 0; k < kinds.size(); ++k)
      e.heapKinds[k] = KindStat{kinds[k].getKind(), kinds[k].getCells(), kinds[k].getBytes()};
  }

  auto readBlobs = [&](capnp::List<schema::Blob>::Reader list, std::vector<BlobRef>& out, const char* what) {
    out.resize(list.size());
    for (unsigned i = 0; i < list.size(); ++i) {
      BlobRef& b = out[i];
      b.name = list[i].getName();
      auto data = list[i].getData();  // bounds-checked by Cap'n Proto against the message
      b.data = data.begin();
      b.storedBytes = data.size();
      b.rawBytes = list[i].getRawBytes();
      b.offset = manifestOffset + static_cast<uint64_t>(b.data - manifestBase);
      auto compression = list[i].getCompression();
      if (compression != schema::Compression::ZSTD && compression != schema::Compression::NONE)
        return bad(fmt::format("{} {}: unknown compression", what, b.name));
      b.zstd = compression == schema::Compression::ZSTD;
      if (b.rawBytes > kMaxRawBytes || (!b.zstd && b.rawBytes != b.storedBytes) || (b.zstd && b.storedBytes == 0))
        return bad(fmt::format("{} {}: {} raw bytes announced for {} stored", what, b.name, b.rawBytes, b.storedBytes));
    }
    return true;
  };
  if (!readBlobs(manifest.getSources(), sources, "source")) return false;
  if (!readBlobs(manifest.getAssets(), assets, "asset")) return false;

  auto statList = manifest.getStats();
  stats.reserve(statList.size());
  for (auto s : statList) stats.emplace_back(std::string(s.getName()), s.getValue());
  return true;
}

bool ImageFile::Impl::checkExpectations(const Expectations& expect, LoadFailure* failure) {
  // An empty string or a zero fingerprint accepts anything (inspect opens
  // images of other kilns).
  if (!expect.platform.empty() && expect.platform != platform)
    return fail(failure, ImageError::Platform,
                fmt::format("the image was compiled for {}, this kiln runs on {}", platform, expect.platform));
  if (!expect.engineVersion.empty() && expect.engineVersion != engineVersion)
    return fail(failure, ImageError::EngineVersion,
                fmt::format("the image was compiled by kiln {}, this is kiln {} (recompile the image)", engineVersion,
                            expect.engineVersion));
  if (expect.nativesFingerprint != 0 && expect.nativesFingerprint != nativesFingerprint)
    return fail(failure, ImageError::Fingerprint,
                fmt::format("the image expects natives table {:016x}, this kiln has {:016x} (recompile the image)",
                            nativesFingerprint, expect.nativesFingerprint));
  return true;
}

// ---- opening ----------------------------------------------------------------

namespace {

// Opens `path` for mapping; classifies the failures shared by open() and
// openBundled(). Returns the file's size.
bool openMapping(const std::string& path, ImageFile::Impl& impl, uint64_t* fileSize, LoadFailure* failure) {
  // stat() before open(): opening a FIFO for reading would block until a
  // writer comes. (fstat below is the check that counts.)
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return fail(failure, ImageError::NotAFile,
                fmt::format("{} is {}", path, S_ISDIR(st.st_mode) ? "a directory" : "not a regular file"));
  try {
    impl.file.emplace(path.c_str(), bip::read_only);
  } catch (const bip::interprocess_exception& e) {
    int err = e.get_native_error();
    return fail(failure, ImageError::CannotOpen,
                fmt::format("{}: {}", path, err ? errnoText(err) : std::string(e.what())));
  }
  impl.fd = impl.file->get_mapping_handle().handle;
  ::fcntl(impl.fd, F_SETFD, FD_CLOEXEC);  // Boost opens without O_CLOEXEC
  if (::fstat(impl.fd, &st) != 0) return fail(failure, ImageError::CannotOpen, fmt::format("{}: {}", path, errnoText(errno)));
  if (!S_ISREG(st.st_mode))
    return fail(failure, ImageError::NotAFile,
                fmt::format("{} is {}", path, S_ISDIR(st.st_mode) ? "a directory" : "not a regular file"));
  *fileSize = static_cast<uint64_t>(st.st_size);
  return true;
}

bool mapRange(const std::string& path, ImageFile::Impl& impl, uint64_t offset, uint64_t size, LoadFailure* failure) {
  try {
    impl.region.emplace(*impl.file, bip::read_only, static_cast<bip::offset_t>(offset), static_cast<size_t>(size));
  } catch (const bip::interprocess_exception& e) {
    int err = e.get_native_error();
    return fail(failure, ImageError::CannotOpen,
                fmt::format("{}: cannot map it: {}", path, err ? errnoText(err) : std::string(e.what())));
  }
  impl.bytes = static_cast<const uint8_t*>(impl.region->get_address());
  impl.size = size;
  impl.imageOffsetInFile = offset;
  return true;
}

void resetFailure(LoadFailure* failure) {
  if (failure) *failure = LoadFailure{};
}

}  // namespace

ImageFile::ImageFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ImageFile::~ImageFile() = default;

std::unique_ptr<ImageFile> ImageFile::open(const std::string& path, const Expectations& expect, LoadFailure* failure,
                                           LoadProfile* profile) {
  resetFailure(failure);
  if (profile) profile->phases.clear();
  auto start = Clock::now();
  auto impl = std::make_unique<Impl>();
  uint64_t size = 0;
  if (!openMapping(path, *impl, &size, failure)) return nullptr;
  if (size == 0) {
    fail(failure, ImageError::Empty, fmt::format("{} has no bytes", path));
    return nullptr;
  }
  if (!mapRange(path, *impl, 0, size, failure)) return nullptr;
  if (profile) profile->phases.emplace_back("map", microsSince(start));
  if (!impl->validate(expect, failure, profile)) return nullptr;
  return std::unique_ptr<ImageFile>(new ImageFile(std::move(impl)));
}

std::unique_ptr<ImageFile> ImageFile::fromBytes(const void* bytes, size_t size, const Expectations& expect,
                                                LoadFailure* failure, LoadProfile* profile) {
  resetFailure(failure);
  if (profile) profile->phases.clear();
  auto impl = std::make_unique<Impl>();
  impl->bytes = static_cast<const uint8_t*>(bytes);
  impl->size = bytes ? size : 0;
  if (!impl->validate(expect, failure, profile)) return nullptr;
  return std::unique_ptr<ImageFile>(new ImageFile(std::move(impl)));
}

std::unique_ptr<ImageFile> ImageFile::openBundled(const std::string& exePath, const Expectations& expect,
                                                  LoadFailure* failure, LoadProfile* profile) {
  resetFailure(failure);
  if (profile) profile->phases.clear();
  auto start = Clock::now();
  auto impl = std::make_unique<Impl>();
  uint64_t size = 0;
  if (!openMapping(exePath, *impl, &size, failure)) return nullptr;
  if (size < detail::kTrailerBytes) return nullptr;  // too short to carry an image: not an error

  uint8_t trailer[detail::kTrailerBytes];
  ssize_t got = ::pread(impl->fd, trailer, sizeof(trailer), static_cast<off_t>(size - sizeof(trailer)));
  if (got != static_cast<ssize_t>(sizeof(trailer))) {
    fail(failure, ImageError::CannotOpen, fmt::format("{}: cannot read its last bytes", exePath));
    return nullptr;
  }
  if (std::memcmp(trailer, detail::kTrailerMagic, sizeof(detail::kTrailerMagic)) != 0) return nullptr;
  uint32_t version = loadU32(trailer + 24);
  if (version != detail::kTrailerVersion) {
    fail(failure, ImageError::FormatVersion,
         fmt::format("{} carries a bundle trailer of version {}, this kiln reads version {}", exePath, version,
                     detail::kTrailerVersion));
    return nullptr;
  }
  uint64_t imageOffset = loadU64(trailer + 8), imageBytes = loadU64(trailer + 16);
  uint64_t room = size - detail::kTrailerBytes;
  if (imageOffset > room || imageBytes > room - imageOffset) {
    fail(failure, ImageError::Truncated,
         fmt::format("{}: its trailer announces an image of {} at offset {}, the executable has {}", exePath,
                     imageBytes, imageOffset, sizeText(size)));
    return nullptr;
  }
  if (imageBytes == 0) {
    fail(failure, ImageError::Empty, fmt::format("{}: its trailer announces an image of no bytes", exePath));
    return nullptr;
  }
  if (!mapRange(exePath, *impl, imageOffset, imageBytes, failure)) return nullptr;
  if (profile) profile->phases.emplace_back("map", microsSince(start));
  if (!impl->validate(expect, failure, profile)) return nullptr;
  return std::unique_ptr<ImageFile>(new ImageFile(std::move(impl)));
}

// ---- accessors --------------------------------------------------------------

const std::string& ImageFile::engineVersion() const { return impl_->engineVersion; }
const std::string& ImageFile::platform() const { return impl_->platform; }
uint64_t ImageFile::nativesFingerprint() const { return impl_->nativesFingerprint; }
uint32_t ImageFile::flags() const { return impl_->flags; }
HeapCompression ImageFile::heapCompression() const { return impl_->heapCompression; }
size_t ImageFile::fileSize() const { return impl_->size; }

size_t ImageFile::entryCount() const { return impl_->entries.size(); }
int ImageFile::findEntry(std::string_view name) const {
  if (name.empty()) return impl_->entries.empty() ? -1 : 0;
  for (size_t i = 0; i < impl_->entries.size(); ++i)
    if (impl_->entries[i].name == name) return static_cast<int>(i);
  return -1;
}
const std::string& ImageFile::entryName(size_t i) const { return impl_->entry(i).name; }
const std::string& ImageFile::entryPath(size_t i) const { return impl_->entry(i).path; }
uint32_t ImageFile::heapBase(size_t i) const { return impl_->entry(i).heapBase; }
size_t ImageFile::heapBytes(size_t i) const { return impl_->entry(i).rawBytes; }
size_t ImageFile::heapStoredBytes(size_t i) const { return impl_->entry(i).storedBytes; }
const std::vector<uint64_t>& ImageFile::roots(size_t i) const { return impl_->entry(i).roots; }
const std::vector<PatchEntry>& ImageFile::patches(size_t i) const { return impl_->entry(i).patches; }
const std::vector<ModuleInfo>& ImageFile::modules(size_t i) const { return impl_->entry(i).modules; }
const PausePoint& ImageFile::pause(size_t i) const { return impl_->entry(i).pause; }
const std::vector<KindStat>& ImageFile::heapKinds(size_t i) const { return impl_->entry(i).heapKinds; }

bool ImageFile::readHeap(size_t i, uint8_t* dest, size_t destBytes, LoadFailure* failure, LoadProfile* profile) const {
  resetFailure(failure);
  if (i >= impl_->entries.size())
    return fail(failure, ImageError::NoSuchEntry, fmt::format("the image has {} entries, not {}", impl_->entries.size(), i + 1));
  const EntryData& e = impl_->entries[i];
  if (destBytes < e.rawBytes)
    return fail(failure, ImageError::BadHeap,
                fmt::format("entry {}: its heap needs {}, the destination has {}", e.name, sizeText(e.rawBytes), destBytes));
  auto start = Clock::now();
  const uint8_t* src = impl_->bytes + e.heapOffset;  // bounds checked at open
  if (!e.zstd) {
    if (e.rawBytes) std::memcpy(dest, src, e.rawBytes);
    if (profile) profile->phases.emplace_back("copy", microsSince(start));
    return true;
  }
  std::string why;
  if (!inflate(src, e.storedBytes, dest, e.rawBytes, &why))
    return fail(failure, ImageError::BadHeap, fmt::format("entry {}: {}", e.name, why));
  if (profile) profile->phases.emplace_back("decompress", microsSince(start));
  return true;
}

const uint8_t* ImageFile::rawHeap(size_t i) const {
  if (i >= impl_->entries.size()) return nullptr;
  const EntryData& e = impl_->entries[i];
  return e.zstd ? nullptr : impl_->bytes + e.heapOffset;  // bounds checked at open
}

bool ImageFile::mapHeap(size_t i, void* fixedAddress) const {
  if (impl_->fd < 0 || i >= impl_->entries.size()) return false;
  const EntryData& e = impl_->entries[i];
  if (e.zstd || e.rawBytes == 0) return false;
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  const uint64_t fileOffset = impl_->imageOffsetInFile + e.heapOffset;
  if (fileOffset % page != 0 || reinterpret_cast<uintptr_t>(fixedAddress) % page != 0) return false;
  const uint64_t length = detail::alignUp(e.rawBytes, page);
  void* at = ::mmap(fixedAddress, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, impl_->fd,
                    static_cast<off_t>(fileOffset));
  if (at == MAP_FAILED) return false;
  // The last page also shows what follows the section in the file (padding,
  // another section, a bundle trailer); the heap expects zeros there.
  if (length > e.rawBytes) std::memset(static_cast<uint8_t*>(at) + e.rawBytes, 0, length - e.rawBytes);
  return true;
}

// ---- cold sections ------------------------------------------------------------

namespace {

std::optional<std::string> readBlob(const BlobRef& b) {
  // Allocate only what the frame itself announces too, so that a corrupt
  // size field alone cannot make us reserve gigabytes.
  if (b.zstd && ZSTD_getFrameContentSize(b.data, b.storedBytes) != b.rawBytes) return std::nullopt;
  try {
    std::string out(b.rawBytes, '\0');
    if (!b.zstd) {
      if (b.rawBytes) std::memcpy(out.data(), b.data, b.rawBytes);
      return out;
    }
    std::string why;
    if (!inflate(b.data, b.storedBytes, reinterpret_cast<uint8_t*>(out.data()), b.rawBytes, &why)) return std::nullopt;
    return out;
  } catch (const std::bad_alloc&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<std::string> ImageFile::asset(std::string_view name) const {
  for (const BlobRef& b : impl_->assets)
    if (b.name == name) return readBlob(b);
  return std::nullopt;
}

std::vector<std::string> ImageFile::assetNames() const {
  std::vector<std::string> names;
  names.reserve(impl_->assets.size());
  for (const BlobRef& b : impl_->assets) names.push_back(b.name);
  return names;
}

std::optional<std::string> ImageFile::source(std::string_view path) const {
  for (const BlobRef& b : impl_->sources)
    if (b.name == path) return readBlob(b);
  return std::nullopt;
}

size_t ImageFile::sourceCount() const { return impl_->sources.size(); }
const std::vector<std::pair<std::string, uint64_t>>& ImageFile::stats() const { return impl_->stats; }

std::vector<ImageFile::Section> ImageFile::sections() const {
  std::vector<Section> out;
  out.push_back({"preamble", 0, kPreambleBytes, kPreambleBytes, "none"});
  out.push_back({"manifest", impl_->manifestOffset, impl_->manifestBytes, impl_->manifestBytes, "none"});
  for (const EntryData& e : impl_->entries)
    out.push_back({"heap " + e.name, e.heapOffset, e.storedBytes, e.rawBytes, e.zstd ? "zstd" : "none"});
  for (const BlobRef& b : impl_->sources)
    out.push_back({"source " + b.name, b.offset, b.storedBytes, b.rawBytes, b.zstd ? "zstd" : "none"});
  for (const BlobRef& b : impl_->assets)
    out.push_back({"asset " + b.name, b.offset, b.storedBytes, b.rawBytes, b.zstd ? "zstd" : "none"});
  return out;
}

}  // namespace kiln::image
