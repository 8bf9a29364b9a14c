// serialize() and writeImageFile(): ImageContents to image bytes.
//
// Determinism: the message is built in one fixed order into a single
// zero-filled segment, zstd runs single-threaded at a fixed level, and every
// padding byte is zero, so equal contents give byte-identical files.
//
// zstd levels, measured on 64 KiB and 2 MiB heap-like buffers (cells with
// headers, refs, small ints, short strings, zero runs): from level 3 to 9 the
// ratio goes 4.18 -> 4.52 and decompression gets faster (500 -> 620 MB/s,
// fewer sequences), at 130 -> 28 MB/s compression. Level 12+ costs build
// time (12 MB/s, 1.5 MB/s at 19) for little more. The loader inflates on
// every start and the compiler once, so level 9. Cold blobs the same.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <fmt/format.h>
#include <zstd.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "snapshot/image.capnp.h"
#include "snapshot/image_internal.h"

static_assert(std::endian::native == std::endian::little, "the image format is little-endian");

namespace kiln::image {

using detail::alignUp;

namespace {

schema::Compression toSchema(HeapCompression c) {
  return c == HeapCompression::Zstd ? schema::Compression::ZSTD : schema::Compression::NONE;
}

std::string zstdCompress(std::string_view raw, int level) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), level);
  if (ZSTD_isError(n)) throw std::runtime_error(fmt::format("zstd: {}", ZSTD_getErrorName(n)));
  out.resize(n);
  return out;
}

// A cold blob as stored: zstd unless that does not pay (tiny or
// incompressible blobs stay raw).
struct PackedBlob {
  std::string_view name, raw;
  std::string packed;
  bool zstd = false;
  std::string_view stored() const { return zstd ? std::string_view(packed) : raw; }
};

PackedBlob packBlob(std::string_view name, std::string_view raw) {
  PackedBlob b{name, raw, {}, false};
  if (!raw.empty()) {
    b.packed = zstdCompress(raw, detail::kColdZstdLevel);
    b.zstd = b.packed.size() < raw.size();
    if (!b.zstd) b.packed.clear();
  }
  return b;
}

void setBlob(schema::Blob::Builder blob, const PackedBlob& b) {
  blob.setName(capnp::Text::Reader(b.name.data(), b.name.size()));
  blob.setRawBytes(b.raw.size());
  blob.setCompression(b.zstd ? schema::Compression::ZSTD : schema::Compression::NONE);
  std::string_view stored = b.stored();
  blob.setData(capnp::Data::Reader(reinterpret_cast<const capnp::byte*>(stored.data()), stored.size()));
}

capnp::Text::Reader text(const std::string& s) { return capnp::Text::Reader(s.data(), s.size()); }

void setTextList(capnp::List<capnp::Text>::Builder list, const std::vector<std::string>& items) {
  for (unsigned i = 0; i < items.size(); ++i) list.set(i, text(items[i]));
}

void fillEntry(schema::Entry::Builder out, const Entry& e, std::string_view storedHeap,
               HeapCompression compression) {
  out.setName(text(e.name));
  out.setPath(text(e.path));
  out.setHeapBase(e.heapBase);
  auto heap = out.initHeap();
  heap.setStoredBytes(storedHeap.size());
  heap.setRawBytes(e.heap.size());
  heap.setCompression(toSchema(compression));
  // heap.offset is set once the manifest's size is known.

  auto roots = out.initRoots(e.roots.size());
  for (unsigned i = 0; i < e.roots.size(); ++i) roots.set(i, e.roots[i]);

  auto patches = out.initPatches(e.patches.size());
  for (unsigned i = 0; i < e.patches.size(); ++i) {
    patches[i].setKind(e.patches[i].kind);
    patches[i].setRef(e.patches[i].ref);
    patches[i].setArg(e.patches[i].arg);
  }

  auto modules = out.initModules(e.modules.size());
  for (unsigned i = 0; i < e.modules.size(); ++i) {
    const ModuleInfo& m = e.modules[i];
    modules[i].setPath(text(m.path));
    modules[i].setPreinitialized(m.preinitialized);
    setTextList(modules[i].initDependencies(m.dependencies.size()), m.dependencies);
    setTextList(modules[i].initExports(m.exports.size()), m.exports);
  }

  auto pause = out.initPause();
  pause.setKind(text(e.pause.kind));
  pause.setFile(text(e.pause.file));
  pause.setLine(e.pause.line);
  pause.setColumn(e.pause.column);
  pause.setNative(text(e.pause.native));
  pause.setDetail(text(e.pause.detail));

  auto kinds = out.initHeapKinds(e.heapKinds.size());
  for (unsigned i = 0; i < e.heapKinds.size(); ++i) {
    kinds[i].setKind(text(e.heapKinds[i].kind));
    kinds[i].setCells(e.heapKinds[i].cells);
    kinds[i].setBytes(e.heapKinds[i].bytes);
  }
}

// An upper bound of the message size in words, so that it fits one segment
// (one segment keeps the layout independent of allocation history).
size_t estimateWords(const ImageContents& c, const std::vector<PackedBlob>& sources,
                     const std::vector<PackedBlob>& assets) {
  auto textWords = [](size_t bytes) { return (bytes + 8) / 8 + 1; };
  size_t words = 64 + textWords(c.engineVersion.size()) + textWords(c.platform.size());
  for (const Entry& e : c.entries) {
    words += 32 + textWords(e.name.size()) + textWords(e.path.size()) + e.roots.size() + 2 * e.patches.size();
    words += textWords(e.pause.kind.size() + e.pause.file.size() + e.pause.native.size() + e.pause.detail.size()) + 4;
    for (const ModuleInfo& m : e.modules) {
      words += 8 + textWords(m.path.size());
      for (const auto& d : m.dependencies) words += 1 + textWords(d.size());
      for (const auto& x : m.exports) words += 1 + textWords(x.size());
    }
    for (const KindStat& k : e.heapKinds) words += 4 + textWords(k.kind.size());
  }
  for (const auto* blobs : {&sources, &assets})
    for (const PackedBlob& b : *blobs) words += 8 + textWords(b.name.size()) + textWords(b.stored().size());
  for (const auto& [name, value] : c.stats) words += 4 + textWords(name.size());
  return words;
}

}  // namespace

std::string serialize(const ImageContents& contents) {
  // Heaps first: their stored sizes go into the manifest.
  std::vector<std::string> packedHeaps(contents.entries.size());
  std::vector<std::string_view> storedHeaps;
  for (size_t i = 0; i < contents.entries.size(); ++i) {
    const std::string& heap = contents.entries[i].heap;
    if (contents.heapCompression == HeapCompression::Zstd && !heap.empty()) {
      packedHeaps[i] = zstdCompress(heap, detail::kHeapZstdLevel);
      storedHeaps.push_back(packedHeaps[i]);
    } else {
      storedHeaps.push_back(heap);
    }
  }
  std::vector<PackedBlob> sourceBlobs, assetBlobs;
  for (const auto& src : contents.sources) sourceBlobs.push_back(packBlob(src.path, src.text));
  for (const auto& a : contents.assets) assetBlobs.push_back(packBlob(a.name, a.bytes));

  capnp::MallocMessageBuilder message(estimateWords(contents, sourceBlobs, assetBlobs),
                                      capnp::AllocationStrategy::FIXED_SIZE);
  auto manifest = message.initRoot<schema::Manifest>();

  auto header = manifest.initHeader();
  header.setFormatVersion(kFormatVersion);
  header.setEngineVersion(text(contents.engineVersion));
  header.setPlatform(text(contents.platform));
  header.setNativesFingerprint(contents.nativesFingerprint);
  header.setFlags(contents.flags);
  header.setHeapCompression(toSchema(contents.heapCompression));

  auto entries = manifest.initEntries(contents.entries.size());
  for (unsigned i = 0; i < contents.entries.size(); ++i)
    fillEntry(entries[i], contents.entries[i], storedHeaps[i],
              contents.entries[i].heap.empty() ? HeapCompression::None : contents.heapCompression);

  auto sources = manifest.initSources(contents.sources.size());
  for (unsigned i = 0; i < sourceBlobs.size(); ++i) setBlob(sources[i], sourceBlobs[i]);
  auto assets = manifest.initAssets(contents.assets.size());
  for (unsigned i = 0; i < assetBlobs.size(); ++i) setBlob(assets[i], assetBlobs[i]);

  auto stats = manifest.initStats(contents.stats.size());
  for (unsigned i = 0; i < contents.stats.size(); ++i) {
    stats[i].setName(text(contents.stats[i].first));
    stats[i].setValue(contents.stats[i].second);
  }

  // Offsets are fixed-width fields, so setting them does not change the
  // message's size: lay out the sections, then fill them in.
  const uint64_t manifestBytes = capnp::computeSerializedSizeInWords(message) * sizeof(capnp::word);
  uint64_t cursor = kPreambleBytes + manifestBytes;
  std::vector<uint64_t> offsets;
  for (unsigned i = 0; i < contents.entries.size(); ++i) {
    cursor = alignUp(cursor, kHeapAlignment);
    offsets.push_back(cursor);
    entries[i].getHeap().setOffset(cursor);
    cursor += storedHeaps[i].size();
  }
  const uint64_t fileBytes = cursor;

  kj::Array<capnp::word> flat = capnp::messageToFlatArray(message);
  kj::ArrayPtr<const capnp::byte> flatBytes = flat.asBytes();
  if (flatBytes.size() != manifestBytes) throw std::logic_error("image manifest changed size while being laid out");

  std::string out(fileBytes, '\0');  // zero padding everywhere
  auto* bytes = reinterpret_cast<uint8_t*>(out.data());
  std::memcpy(bytes, kMagic, sizeof(kMagic));
  detail::storeU32(bytes + detail::kVersionAt, kFormatVersion);
  detail::storeU64(bytes + detail::kManifestOffsetAt, kPreambleBytes);
  detail::storeU64(bytes + detail::kManifestBytesAt, manifestBytes);
  detail::storeU64(bytes + detail::kFileBytesAt, fileBytes);
  std::memcpy(bytes + kPreambleBytes, flatBytes.begin(), flatBytes.size());
  for (unsigned i = 0; i < storedHeaps.size(); ++i)
    if (!storedHeaps[i].empty()) std::memcpy(bytes + offsets[i], storedHeaps[i].data(), storedHeaps[i].size());
  detail::storeU64(bytes + detail::kChecksumAt, detail::imageChecksum(bytes, out.size()));
  return out;
}

bool writeImageFile(const ImageContents& contents, const std::string& path, std::string* error) {
  std::string bytes;
  try {
    bytes = serialize(contents);
  } catch (const std::exception& e) {
    if (error) *error = fmt::format("cannot write the image {}: {}", path, e.what());
    return false;
  } catch (const kj::Exception& e) {
    if (error) *error = fmt::format("cannot write the image {}: {}", path, e.getDescription().cStr());
    return false;
  }
  return detail::writeFileAtomically(path, bytes, 0644, error);
}

namespace detail {

bool writeFileAtomically(const std::string& path, std::string_view bytes, unsigned mode, std::string* error) {
  auto fail = [&](const char* what, int err) {
    if (error) *error = fmt::format("cannot write {}: {}: {}", path, what, std::strerror(err));
    return false;
  };
  // mkstemp in the target's folder, so that rename() stays within one file
  // system and a half-written file never appears under `path`.
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return fail("cannot create a temporary file", errno);
  auto abandon = [&](const char* what) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return fail(what, err);
  };
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return abandon("write failed");
    done += static_cast<size_t>(n);
  }
  // mkstemp creates 0600. (The umask is not consulted: reading it means
  // setting it, a race with other threads.)
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) return abandon("chmod failed");
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail("close failed", err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail("rename failed", err);
  }
  return true;
}

}  // namespace detail

}  // namespace kiln::image
