// The image file (DESIGN §6): what an image holds, how it is written, and how
// it is mapped and validated. This layer knows bytes, sections and the
// manifest; it knows nothing of cells or the VM (snapshot/heap_writer and
// loader/loader turn a VM into ImageContents and back).
//
// File layout:
//   [0, 64)          the preamble (Preamble below, little-endian)
//   [64, ...)        the Cap'n Proto manifest (snapshot/image.capnp), one
//                    segment-framed message
//   page-aligned     one heap section per entry, zstd or raw
//
// The checksum in the preamble covers every byte of the file but itself, so
// a flipped bit anywhere is a named error before anything is decompressed.
// The module table is stored as plain manifest fields; sources and assets
// are zstd-compressed per blob.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::image {

constexpr char kMagic[4] = {'K', 'I', 'L', 'N'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kPreambleBytes = 64;
constexpr size_t kHeapAlignment = 4096;  // heap sections start at a multiple of this

// The platform string of the running kiln ("linux-x86_64", ...).
std::string currentPlatform();

enum class HeapCompression : uint8_t { Zstd = 0, None = 1 };

// One fix-up the loader applies after the heap is in place. Kinds are defined
// by the loader (loader/loader.cpp); this layer only stores them.
struct PatchEntry {
  uint32_t kind = 0;
  uint32_t ref = 0;  // a cell in the heap section
  uint32_t arg = 0;
};

struct ModuleInfo {
  std::string path;
  bool preinitialized = false;  // evaluated entirely at build time
  std::vector<std::string> dependencies;
  std::vector<std::string> exports;
};

// Where build-time evaluation stopped.
struct PausePoint {
  std::string kind;    // "complete" | "effect" | "budget" | "module" (fallback) | "await" | "checkpoint"
  std::string file;    // empty when not inside code
  uint32_t line = 0, column = 0;
  std::string native;  // the native whose call stopped it, if any
  std::string detail;  // one sentence for the compile report and inspect
};

struct KindStat {
  std::string kind;  // cell kind name
  uint64_t cells = 0;
  uint64_t bytes = 0;
};

// One program in the image: its heap, roots and state. `kiln run --entry NAME`
// picks one (the first by default).
struct Entry {
  std::string name;              // e.g. "app" (the entry file's stem)
  std::string path;              // the entry module's path as given at compile time
  uint32_t heapBase = 0;         // cage offset where `heap` must be placed
  std::string heap;              // the heap region's bytes (a run of cells)
  std::vector<uint64_t> roots;   // the roots record, as raw Value bits
  std::vector<PatchEntry> patches;
  std::vector<ModuleInfo> modules;
  PausePoint pause;
  std::vector<KindStat> heapKinds;
};

struct Asset {
  std::string name;   // path relative to the --embed-assets folder, '/'-separated
  std::string bytes;
};

struct SourceText {
  std::string path;
  std::string text;
};

struct ImageContents {
  std::string engineVersion;
  std::string platform;           // currentPlatform() at compile time
  uint64_t nativesFingerprint = 0;
  uint32_t flags = 0;             // kFlag* below
  HeapCompression heapCompression = HeapCompression::Zstd;
  std::vector<Entry> entries;     // at least one
  std::vector<SourceText> sources;  // --source-map
  std::vector<Asset> assets;        // --embed-assets
  // Build statistics, in a fixed order (name, value), for the report and inspect.
  std::vector<std::pair<std::string, uint64_t>> stats;
};

constexpr uint32_t kFlagSourceMap = 1;
constexpr uint32_t kFlagCheckpoint = 2;  // written by checkpoint(), not kiln compile

// Serializes `contents` deterministically (same contents, same bytes).
std::string serialize(const ImageContents& contents);
// Writes serialize(contents) to `path` through a temporary file in the same
// folder and a rename. False with *error set on failure.
bool writeImageFile(const ImageContents& contents, const std::string& path, std::string* error);

// ---- reading --------------------------------------------------------------

// Why an image was refused. Checked in this order; each has a fixed name
// (errorName) and exit code (errorExitCode).
enum class ImageError : uint8_t {
  None = 0,
  CannotOpen,       // no such file, unreadable
  NotAFile,         // a directory or other non-regular file
  Empty,            // zero-length file
  Truncated,        // shorter than the preamble or than the sections it announces
  BadMagic,         // not a kiln image
  FormatVersion,    // another image format version
  Checksum,         // bytes after the preamble do not match the checksum
  BadManifest,      // the Cap'n Proto message does not decode or is inconsistent
  Platform,         // compiled for another platform
  EngineVersion,    // compiled by another kiln version
  Fingerprint,      // another natives table
  NoSuchEntry,      // --entry names no entry of the image
  BadHeap,          // a heap section does not decompress to its announced size
};
const char* errorName(ImageError e);
int errorExitCode(ImageError e);

struct LoadFailure {
  ImageError error = ImageError::None;
  std::string message;  // one line, starting with the error's name
};

// What the reader expects of an image: the running kiln's identity.
struct Expectations {
  std::string engineVersion;
  std::string platform;
  uint64_t nativesFingerprint = 0;
};

// Phase timings of the last open/readHeap, in microseconds (--profile-load).
struct LoadProfile {
  std::vector<std::pair<std::string, double>> phases;
};

// A mapped, validated image. Heaps and cold sections are read on demand.
class ImageFile {
 public:
  ~ImageFile();
  ImageFile(const ImageFile&) = delete;
  ImageFile& operator=(const ImageFile&) = delete;

  // Maps `path` (Boost.Interprocess) and validates it in the order of
  // ImageError. nullptr and *failure set when refused.
  static std::unique_ptr<ImageFile> open(const std::string& path, const Expectations& expect, LoadFailure* failure,
                                         LoadProfile* profile = nullptr);
  // The same for an image in memory (not copied: bytes must outlive the object).
  static std::unique_ptr<ImageFile> fromBytes(const void* bytes, size_t size, const Expectations& expect,
                                              LoadFailure* failure, LoadProfile* profile = nullptr);
  // The image appended to the executable `exePath` by --bundle; nullptr with
  // failure->error == None when the executable carries no image.
  static std::unique_ptr<ImageFile> openBundled(const std::string& exePath, const Expectations& expect,
                                                LoadFailure* failure, LoadProfile* profile = nullptr);

  // Header.
  const std::string& engineVersion() const;
  const std::string& platform() const;
  uint64_t nativesFingerprint() const;
  uint32_t flags() const;
  HeapCompression heapCompression() const;
  size_t fileSize() const;

  // Entries (metadata only; the heap is read by readHeap/mapHeap).
  size_t entryCount() const;
  // Index of the entry named `name` (empty: the first), or -1.
  int findEntry(std::string_view name) const;
  const std::string& entryName(size_t i) const;
  const std::string& entryPath(size_t i) const;
  uint32_t heapBase(size_t i) const;
  size_t heapBytes(size_t i) const;             // decompressed size
  size_t heapStoredBytes(size_t i) const;       // size in the file
  const std::vector<uint64_t>& roots(size_t i) const;
  const std::vector<PatchEntry>& patches(size_t i) const;
  const std::vector<ModuleInfo>& modules(size_t i) const;
  const PausePoint& pause(size_t i) const;
  const std::vector<KindStat>& heapKinds(size_t i) const;

  // Writes entry i's heap (heapBytes(i) bytes) to dest: decompresses a zstd
  // section, copies a raw one. False with *failure (BadHeap) on error.
  bool readHeap(size_t i, uint8_t* dest, size_t destBytes, LoadFailure* failure, LoadProfile* profile = nullptr) const;
  // For a raw (HeapCompression::None) section of an image opened from a file:
  // maps it copy-on-write at `fixedAddress` (page-aligned, heapBytes(i)
  // rounded up to a page must be reserved there). False when not possible
  // (compressed, in memory, bundled at an unaligned offset); then use readHeap.
  bool mapHeap(size_t i, void* fixedAddress) const;
  // A raw section's bytes where the image is mapped (read-only; shared with
  // the page cache for a file), or nullptr for a compressed one.
  const uint8_t* rawHeap(size_t i) const;

  // Cold sections, decompressed on demand.
  std::optional<std::string> asset(std::string_view name) const;
  std::vector<std::string> assetNames() const;
  std::optional<std::string> source(std::string_view path) const;
  size_t sourceCount() const;
  const std::vector<std::pair<std::string, uint64_t>>& stats() const;

  // Sections for inspect: name, offset, stored bytes, raw bytes, compression.
  struct Section {
    std::string name;
    uint64_t offset = 0, storedBytes = 0, rawBytes = 0;
    std::string compression;  // "zstd" | "none"
  };
  std::vector<Section> sections() const;

  struct Impl;

 private:
  explicit ImageFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ---- bundles --------------------------------------------------------------

// Writes `outPath`: the executable `runtimePath`, then `image` (serialize()
// output) at a page-aligned offset, then a trailer (magic, offset, size).
// The result is made executable. Through a temporary file and a rename.
bool writeBundle(const std::string& runtimePath, std::string_view image, const std::string& outPath,
                 std::string* error);

// ---- inspect --------------------------------------------------------------

// `kiln inspect`: header, sections with stored and raw sizes, entries with
// their modules, pause point, heap bytes and object counts by kind.
std::string describeImage(const ImageFile& image);

}  // namespace kiln::image
