// A source file as the engine sees it: UTF-16 text (what JS positions count
// in), plus a table of line starts for turning offsets into line:column.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kiln {

struct LineCol {
  uint32_t line;    // 1-based
  uint32_t column;  // 1-based, in UTF-16 code units
};

class SourceFile {
 public:
  // Strips a leading BOM; invalid UTF-8 sequences become U+FFFD.
  static std::shared_ptr<SourceFile> fromUtf8(std::string path, std::string_view bytes);
  static std::shared_ptr<SourceFile> fromUtf16(std::string path, std::u16string text);

  const std::string& path() const { return path_; }
  const std::u16string& text() const { return text_; }
  bool isTypeScript() const;
  // Line terminators: \n, \r\n, \r, U+2028, U+2029. Offsets past the end clamp.
  LineCol position(uint32_t offset) const;
  // The text of a 1-based line, UTF-8, without its terminator ("" when out of range).
  std::string lineText(uint32_t line) const;

  SourceFile(std::string path, std::u16string text);

 private:
  std::string path_;
  std::u16string text_;
  std::vector<uint32_t> lineStarts_;
};

std::u16string utf8ToUtf16(std::string_view bytes);
std::string utf16ToUtf8(std::u16string_view text);

}  // namespace kiln
