#include "tests/test262/test262_meta.h"

#include <algorithm>

#include <fmt/format.h>

namespace kiln::test262 {
namespace {

constexpr std::string_view kFrontmatterOpen = "/*---";
constexpr std::string_view kFrontmatterClose = "---*/";

std::string_view trim(std::string_view s) {
  size_t begin = 0;
  while (begin < s.size() && (s[begin] == ' ' || s[begin] == '\t' || s[begin] == '\r')) ++begin;
  size_t end = s.size();
  while (end > begin && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r')) --end;
  return s.substr(begin, end - begin);
}

// A YAML plain or quoted scalar, with a trailing " # comment" removed.
std::string_view scalar(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  if (size_t hash = s.find(" #"); hash != std::string_view::npos) s = trim(s.substr(0, hash));
  return s;
}

void appendFlowItems(std::string_view body, std::vector<std::string>& out) {
  while (!body.empty()) {
    size_t comma = body.find(',');
    std::string_view item = scalar(body.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    body.remove_prefix(comma + 1);
  }
}

uint32_t flagBit(std::string_view name) {
  if (name == "onlyStrict") return kFlagOnlyStrict;
  if (name == "noStrict") return kFlagNoStrict;
  if (name == "module") return kFlagModule;
  if (name == "raw") return kFlagRaw;
  if (name == "async") return kFlagAsync;
  if (name == "CanBlockIsTrue") return kFlagCanBlockIsTrue;
  if (name == "CanBlockIsFalse") return kFlagCanBlockIsFalse;
  return 0;  // "generated" and anything newer: informational
}

std::optional<ErrorPhase> phaseFromName(std::string_view name) {
  if (name == "parse" || name == "early") return ErrorPhase::Parse;
  if (name == "resolution") return ErrorPhase::Resolution;
  if (name == "runtime") return ErrorPhase::Runtime;
  return std::nullopt;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

MetaParse parseFrontmatter(std::string_view source) {
  MetaParse out;
  size_t open = source.find(kFrontmatterOpen);
  if (open == std::string_view::npos) {
    out.error = "no /*--- frontmatter ---*/ block";
    return out;
  }
  size_t bodyStart = open + kFrontmatterOpen.size();
  size_t close = source.find(kFrontmatterClose, bodyStart);
  if (close == std::string_view::npos) {
    out.error = "unterminated frontmatter (no ---*/)";
    return out;
  }
  std::string_view body = source.substr(bodyStart, close - bodyStart);

  // The key whose indented continuation lines we are in. Block scalars and
  // keys the runner does not use leave it set to something we ignore.
  std::string_view key;
  std::vector<std::string> flags;
  std::vector<std::string>* flowTarget = nullptr;  // a `[...` list still open
  std::string flowText;
  bool negativeSeen = false;

  auto listFor = [&](std::string_view k) -> std::vector<std::string>* {
    if (k == "includes") return &out.meta.includes;
    if (k == "features") return &out.meta.features;
    if (k == "flags") return &flags;
    return nullptr;
  };

  while (!body.empty()) {
    size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view{} : body.substr(nl + 1);

    if (flowTarget) {  // continuation of a flow list spanning lines
      flowText += ' ';
      flowText += line;
      if (size_t end = flowText.find(']'); end != std::string::npos) {
        appendFlowItems(std::string_view(flowText).substr(0, end), *flowTarget);
        flowTarget = nullptr;
      }
      continue;
    }
    std::string_view content = trim(line);
    if (content.empty() || content.front() == '#') continue;
    size_t indent = line.find_first_not_of(" \t");

    if (indent == 0) {
      size_t colon = content.find(':');
      if (colon == std::string_view::npos) {
        key = {};  // a stray continuation line of some plain scalar
        continue;
      }
      key = trim(content.substr(0, colon));
      std::string_view rest = trim(content.substr(colon + 1));
      if (key == "negative") negativeSeen = true;
      std::vector<std::string>* list = listFor(key);
      if (!list) continue;
      if (!rest.empty() && rest.front() == '[') {
        rest.remove_prefix(1);
        if (size_t end = rest.find(']'); end != std::string_view::npos) {
          appendFlowItems(rest.substr(0, end), *list);
        } else {
          flowTarget = list;
          flowText = std::string(rest);
        }
      } else if (!rest.empty()) {
        list->emplace_back(scalar(rest));  // `flags: module` (a lone scalar)
      }
      continue;
    }

    // An indented line: part of `key`'s value.
    if (std::vector<std::string>* list = listFor(key)) {
      if (content.front() == '-') list->emplace_back(scalar(content.substr(1)));
      continue;
    }
    if (key == "negative") {
      size_t colon = content.find(':');
      if (colon == std::string_view::npos) continue;
      std::string_view field = trim(content.substr(0, colon));
      std::string_view value = scalar(content.substr(colon + 1));
      if (field == "phase") {
        std::optional<ErrorPhase> phase = phaseFromName(value);
        if (!phase) {
          out.error = fmt::format("unknown negative phase '{}'", value);
          return out;
        }
        out.meta.negative.phase = *phase;
      } else if (field == "type") {
        out.meta.negative.type = std::string(value);
      }
    }
  }

  if (flowTarget) {
    out.error = "unterminated flow list in frontmatter";
    return out;
  }
  for (const std::string& flag : flags) out.meta.flags |= flagBit(flag);
  if (negativeSeen &&
      (out.meta.negative.phase == ErrorPhase::None || out.meta.negative.type.empty())) {
    out.error = "negative: needs both phase and type";
  }
  return out;
}

std::string_view runModeName(RunMode mode) {
  switch (mode) {
    case RunMode::Sloppy: return "sloppy";
    case RunMode::Strict: return "strict";
    case RunMode::Module: return "module";
  }
  return "?";
}

std::string_view errorPhaseName(ErrorPhase phase) {
  switch (phase) {
    case ErrorPhase::None: return "none";
    case ErrorPhase::Parse: return "parse";
    case ErrorPhase::Resolution: return "resolution";
    case ErrorPhase::Runtime: return "runtime";
  }
  return "?";
}

std::vector<RunMode> plannedRuns(const TestMeta& meta) {
  if (meta.has(kFlagModule)) return {RunMode::Module};
  if (meta.has(kFlagRaw) || meta.has(kFlagNoStrict)) return {RunMode::Sloppy};
  if (meta.has(kFlagOnlyStrict)) return {RunMode::Strict};
  return {RunMode::Sloppy, RunMode::Strict};
}

std::vector<std::string> harnessFiles(const TestMeta& meta) {
  std::vector<std::string> files;
  if (meta.has(kFlagRaw)) return files;
  files = {"assert.js", "sta.js"};
  if (meta.has(kFlagAsync)) files.emplace_back("doneprintHandle.js");
  for (const std::string& include : meta.includes) {
    if (std::find(files.begin(), files.end(), include) == files.end()) files.push_back(include);
  }
  return files;
}

Assembled assembleRun(const TestMeta& meta, RunMode mode, const std::string& path,
                      std::string_view testSource, const HarnessLookup& harness,
                      uint32_t timeoutMs) {
  Assembled out;
  out.request.path = path;
  out.request.timeoutMs = timeoutMs;
  out.request.isModule = mode == RunMode::Module;

  std::vector<const std::string*> texts;
  std::vector<std::string> names = harnessFiles(meta);
  texts.reserve(names.size());
  for (const std::string& name : names) {
    const std::string* text = harness(name);
    if (!text) {
      out.missing = name;
      return out;
    }
    texts.push_back(text);
  }

  if (out.request.isModule) {
    out.request.source = std::string(testSource);
    for (size_t i = 0; i < names.size(); ++i) {
      out.request.preludeScripts.emplace_back(names[i], *texts[i]);
    }
    return out;
  }

  constexpr std::string_view kUseStrict = "\"use strict\";\n";
  size_t size = testSource.size() + kUseStrict.size();
  for (const std::string* text : texts) size += text->size() + 1;
  std::string& source = out.request.source;
  source.reserve(size);
  if (mode == RunMode::Strict) source += kUseStrict;
  for (const std::string* text : texts) {
    source += *text;
    // A harness file without a final newline must not glue its last line
    // (possibly a // comment) to the next file's first.
    if (!text->empty() && text->back() != '\n') source += '\n';
  }
  source += testSource;
  return out;
}

std::optional<std::string> judgeRun(const TestMeta& meta, const RunResult& result) {
  if (result.timedOut) return std::string("timeout");
  if (meta.isNegative()) {
    if (result.errorPhase == ErrorPhase::None) {
      return fmt::format("expected {} {}, but no error was thrown",
                         errorPhaseName(meta.negative.phase), meta.negative.type);
    }
    if (result.errorPhase != meta.negative.phase || result.errorName != meta.negative.type) {
      return fmt::format("expected {} {}, got {} {}: {}", errorPhaseName(meta.negative.phase),
                         meta.negative.type, errorPhaseName(result.errorPhase), result.errorName,
                         result.errorMessage);
    }
    return std::nullopt;
  }
  if (result.errorPhase != ErrorPhase::None) {
    return fmt::format("uncaught {} ({}): {}", result.errorName,
                       errorPhaseName(result.errorPhase), result.errorMessage);
  }
  if (meta.has(kFlagAsync)) {
    constexpr std::string_view kFailure = "Test262:AsyncTestFailure";
    if (size_t at = result.printed.find(kFailure); at != std::string::npos) {
      size_t end = result.printed.find('\n', at);
      return std::string(result.printed.substr(at, end == std::string::npos ? end : end - at));
    }
    if (!contains(result.printed, "Test262:AsyncTestComplete")) {
      return std::string("async test did not print Test262:AsyncTestComplete");
    }
  }
  return std::nullopt;
}

bool pathHasPrefix(std::string_view path, std::string_view prefix) {
  if (prefix.empty()) return true;
  if (path.size() < prefix.size() || path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/' || prefix.back() == '/';
}

std::string normalizePrefix(std::string_view prefix) {
  while (prefix.substr(0, 2) == "./") prefix.remove_prefix(2);
  if (prefix.substr(0, 5) == "test/") prefix.remove_prefix(5);
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  return std::string(prefix);
}

std::vector<std::string> splitList(std::string_view commaSeparated) {
  std::vector<std::string> out;
  appendFlowItems(commaSeparated, out);
  return out;
}

bool Filter::selectsPath(std::string_view path) const {
  for (const std::string& dir : excludeDirs) {
    if (pathHasPrefix(path, dir)) return false;
  }
  if (includePrefixes.empty()) return true;
  return std::any_of(includePrefixes.begin(), includePrefixes.end(),
                     [&](const std::string& prefix) { return pathHasPrefix(path, prefix); });
}

std::string Filter::excludedFeature(const TestMeta& meta) const {
  for (const std::string& feature : meta.features) {
    if (excludeFeatures.count(feature)) return feature;
  }
  return {};
}

std::string_view topFolder(std::string_view path) {
  return path.substr(0, path.find('/'));
}

std::set<std::string, std::less<>> parseBaseline(std::string_view text) {
  std::set<std::string, std::less<>> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.front() != '#') out.emplace(line);
  }
  return out;
}

std::string formatBaseline(const std::set<std::string, std::less<>>& passing) {
  std::string out;
  for (const std::string& path : passing) {
    out += path;
    out += '\n';
  }
  return out;
}

BaselineDiff diffBaseline(const std::set<std::string, std::less<>>& baseline,
                          const std::set<std::string, std::less<>>& ran,
                          const std::set<std::string, std::less<>>& passing) {
  BaselineDiff diff;
  for (const std::string& path : baseline) {
    if (ran.count(path) && !passing.count(path)) diff.regressions.push_back(path);
  }
  for (const std::string& path : passing) {
    if (!baseline.count(path)) diff.newPasses.push_back(path);
  }
  return diff;
}

}  // namespace kiln::test262
