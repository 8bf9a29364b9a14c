// describeImage(): the text of `kiln inspect`.
#include <fmt/format.h>

#include <algorithm>

#include "snapshot/image_file.h"

namespace kiln::image {

namespace {

std::string flagsText(uint32_t flags) {
  std::string out;
  auto add = [&](const char* name) { out += out.empty() ? name : fmt::format(", {}", name); };
  if (flags & kFlagSourceMap) add("source-map");
  if (flags & kFlagCheckpoint) add("checkpoint");
  if (uint32_t other = flags & ~(kFlagSourceMap | kFlagCheckpoint)) add(fmt::format("0x{:x}", other).c_str());
  return out.empty() ? "none" : out;
}

std::string ratioText(uint64_t stored, uint64_t raw) {
  if (stored == 0 || stored == raw) return "-";
  return fmt::format("{:.2f}x", static_cast<double>(raw) / static_cast<double>(stored));
}

std::string pauseText(const PausePoint& p) {
  std::string out = p.kind.empty() ? "unknown" : p.kind;
  if (!p.file.empty()) out += fmt::format(" at {}:{}:{}", p.file, p.line, p.column);
  if (!p.native.empty()) out += fmt::format(" in {}", p.native);
  if (!p.detail.empty()) out += fmt::format(": {}", p.detail);
  return out;
}

}  // namespace

std::string describeImage(const ImageFile& image) {
  std::string out;
  auto line = [&](std::string s) {
    out += s;
    out += '\n';
  };
  line(fmt::format("kiln image, format {}, {} bytes", kFormatVersion, image.fileSize()));
  line(fmt::format("  engine version  {}", image.engineVersion()));
  line(fmt::format("  platform        {}", image.platform()));
  line(fmt::format("  natives         {:016x}", image.nativesFingerprint()));
  line(fmt::format("  flags           {}", flagsText(image.flags())));
  line(fmt::format("  heap            {}", image.heapCompression() == HeapCompression::Zstd ? "zstd" : "none"));

  line("");
  line("sections");
  // In file order; cold blobs live inside the manifest and are indented under it.
  auto sections = image.sections();
  std::stable_sort(sections.begin(), sections.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
  for (auto& s : sections)
    if (s.name.rfind("source ", 0) == 0 || s.name.rfind("asset ", 0) == 0) s.name = "  " + s.name;
  size_t nameWidth = 8;
  for (const auto& s : sections) nameWidth = std::max(nameWidth, s.name.size());
  line(fmt::format("  {:<{}}  {:>10}  {:>10}  {:>10}  {:<5}  {:>7}", "name", nameWidth, "offset", "stored", "raw",
                   "comp", "ratio"));
  for (const auto& s : sections)
    line(fmt::format("  {:<{}}  {:>10}  {:>10}  {:>10}  {:<5}  {:>7}", s.name, nameWidth, s.offset, s.storedBytes,
                     s.rawBytes, s.compression, ratioText(s.storedBytes, s.rawBytes)));

  for (size_t i = 0; i < image.entryCount(); ++i) {
    line("");
    line(fmt::format("entry {}{}", image.entryName(i), i == 0 ? " (default)" : ""));
    line(fmt::format("  path      {}", image.entryPath(i)));
    line(fmt::format("  paused    {}", pauseText(image.pause(i))));
    line(fmt::format("  heap      {} bytes at cage offset 0x{:x} ({} stored), {} roots, {} patches", image.heapBytes(i),
                     image.heapBase(i), image.heapStoredBytes(i), image.roots(i).size(), image.patches(i).size()));
    const auto& modules = image.modules(i);
    if (!modules.empty()) {
      size_t pre = std::count_if(modules.begin(), modules.end(), [](const ModuleInfo& m) { return m.preinitialized; });
      line(fmt::format("  modules   {} ({} pre-initialized)", modules.size(), pre));
      for (const auto& m : modules)
        line(fmt::format("    {} {}{}", m.preinitialized ? "[pre]" : "[run]", m.path,
                         m.exports.empty() ? "" : fmt::format("  exports: {}", fmt::join(m.exports, ", "))));
    }
    std::vector<KindStat> kinds = image.heapKinds(i);
    if (!kinds.empty()) {
      std::stable_sort(kinds.begin(), kinds.end(), [](const KindStat& a, const KindStat& b) { return a.bytes > b.bytes; });
      size_t kindWidth = 4;
      for (const auto& k : kinds) kindWidth = std::max(kindWidth, k.kind.size());
      line(fmt::format("  objects   {:<{}}  {:>10}  {:>12}", "kind", kindWidth, "cells", "bytes"));
      for (const auto& k : kinds) line(fmt::format("            {:<{}}  {:>10}  {:>12}", k.kind, kindWidth, k.cells, k.bytes));
    }
  }

  auto assets = image.assetNames();
  if (!assets.empty()) {
    line("");
    line(fmt::format("assets ({})", assets.size()));
    for (const auto& a : assets) line(fmt::format("  {}", a));
  }
  if (image.sourceCount() > 0) {
    line("");
    line(fmt::format("sources: {} files (--source-map)", image.sourceCount()));
  }
  if (!image.stats().empty()) {
    line("");
    line("build statistics");
    size_t width = 4;
    for (const auto& [name, value] : image.stats()) width = std::max(width, name.size());
    for (const auto& [name, value] : image.stats()) line(fmt::format("  {:<{}}  {}", name, width, value));
  }
  return out;
}

}  // namespace kiln::image
