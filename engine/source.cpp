#include "engine/source.h"

#include <algorithm>

namespace kiln {

std::u16string utf8ToUtf16(std::string_view in) {
  std::u16string out;
  out.reserve(in.size());
  size_t i = 0, n = in.size();
  auto cont = [&](size_t k) { return k < n && (uint8_t(in[k]) & 0xC0) == 0x80; };
  while (i < n) {
    uint8_t b = uint8_t(in[i]);
    if (b < 0x80) { out.push_back(b); ++i; continue; }
    char32_t c = 0xFFFD;
    size_t len = 1;
    if (b >= 0xC2 && b <= 0xDF && cont(i + 1)) {
      c = char32_t(b & 0x1F) << 6 | (in[i + 1] & 0x3F);
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF && cont(i + 1) && cont(i + 2)) {
      char32_t v = char32_t(b & 0x0F) << 12 | char32_t(in[i + 1] & 0x3F) << 6 | (in[i + 2] & 0x3F);
      // Overlong forms are invalid; lone surrogates encoded in UTF-8 too.
      if (v >= 0x800 && !(v >= 0xD800 && v <= 0xDFFF)) { c = v; len = 3; }
    } else if (b >= 0xF0 && b <= 0xF4 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
      char32_t v = char32_t(b & 0x07) << 18 | char32_t(in[i + 1] & 0x3F) << 12 |
                   char32_t(in[i + 2] & 0x3F) << 6 | (in[i + 3] & 0x3F);
      if (v >= 0x10000 && v <= 0x10FFFF) { c = v; len = 4; }
    }
    i += len;
    if (c >= 0x10000) {
      c -= 0x10000;
      out.push_back(char16_t(0xD800 + (c >> 10)));
      out.push_back(char16_t(0xDC00 + (c & 0x3FF)));
    } else {
      out.push_back(char16_t(c));
    }
  }
  return out;
}

std::string utf16ToUtf8(std::u16string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char32_t c = in[i];
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < in.size() && in[i + 1] >= 0xDC00 && in[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (in[i + 1] - 0xDC00);
      ++i;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;
    }
    if (c < 0x80) {
      out.push_back(char(c));
    } else if (c < 0x800) {
      out.push_back(char(0xC0 | (c >> 6)));
      out.push_back(char(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(char(0xE0 | (c >> 12)));
      out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(char(0x80 | (c & 0x3F)));
    } else {
      out.push_back(char(0xF0 | (c >> 18)));
      out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(char(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

SourceFile::SourceFile(std::string path, std::u16string text) : path_(std::move(path)), text_(std::move(text)) {
  lineStarts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i) {
    char16_t c = text_[i];
    if (c == '\r') {
      if (i + 1 < text_.size() && text_[i + 1] == '\n') ++i;
      lineStarts_.push_back(i + 1);
    } else if (c == '\n' || c == 0x2028 || c == 0x2029) {
      lineStarts_.push_back(i + 1);
    }
  }
}

std::shared_ptr<SourceFile> SourceFile::fromUtf8(std::string path, std::string_view bytes) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  return std::make_shared<SourceFile>(std::move(path), utf8ToUtf16(bytes));
}

std::shared_ptr<SourceFile> SourceFile::fromUtf16(std::string path, std::u16string text) {
  // No BOM stripping: UTF-16 text comes from JS strings (eval, new Function),
  // where U+FEFF is white space and offsets must match the string.
  return std::make_shared<SourceFile>(std::move(path), std::move(text));
}

bool SourceFile::isTypeScript() const {
  auto ends = [&](std::string_view s) {
    return path_.size() >= s.size() && std::string_view(path_).substr(path_.size() - s.size()) == s;
  };
  return ends(".ts") || ends(".mts") || ends(".cts");
}

LineCol SourceFile::position(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, uint32_t(text_.size()));
  auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset);
  uint32_t line = uint32_t(it - lineStarts_.begin());  // >= 1 since lineStarts_[0] == 0
  return {line, offset - lineStarts_[line - 1] + 1};
}

std::string SourceFile::lineText(uint32_t line) const {
  if (line == 0 || line > lineStarts_.size()) return {};
  uint32_t begin = lineStarts_[line - 1];
  uint32_t end = line < lineStarts_.size() ? lineStarts_[line] : uint32_t(text_.size());
  while (end > begin) {
    char16_t c = text_[end - 1];
    if (c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029) --end;
    else break;
  }
  return utf16ToUtf8(std::u16string_view(text_).substr(begin, end - begin));
}

}  // namespace kiln
