// kiln compile, kiln run, kiln inspect, and bundles running their own image.
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "builtins/builtins.h"
#include "builtins/program.h"
#include "cli/commands.h"
#include "cli/report.h"
#include "loader/loader.h"
#include "snapshot/build.h"
#include "snapshot/checkpoint.h"
#include "snapshot/image_file.h"

namespace kiln {

namespace {

double nowUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) * 1e6 + double(ts.tv_nsec) / 1e3;
}

void compileUsage(FILE* out) {
  fprintf(out,
          "usage: kiln compile FILE... [options]\n"
          "\n"
          "Runs each FILE's initialization at build time, up to the first call of a\n"
          "native with an effect (I/O, clock, environment...), and writes the\n"
          "program, paused there, as an image that `kiln run` continues.\n"
          "\n"
          "options:\n"
          "  -o, --output PATH    the image (default: FILE's name with .kiln; with\n"
          "                       --bundle, without extension)\n"
          "  --entry FILE         one more entry program (repeatable); `kiln run --entry\n"
          "                       NAME` picks one by its file name without extension\n"
          "  --bundle             write one executable: kiln with the image appended\n"
          "  -O 0|1|2             bytecode optimization (default 1): 1 folds constant\n"
          "                       expressions and leaves out code that cannot run (after\n"
          "                       return/throw/break/continue, branches of constant\n"
          "                       tests); 0 does not; 2 is 1 for now\n"
          "  --target PLATFORM    the platform to build for; only this one (%s)\n"
          "  --source-map         keep the sources' text in the image\n"
          "  --compress none|zstd the heap section: raw (default), which `kiln run` maps\n"
          "                       copy-on-write, or zstd: a ~4x smaller file that takes\n"
          "                       longer to load (it is inflated at every start)\n"
          "  --init-budget MS     how long build-time evaluation may run (default 5000),\n"
          "                       counted in loop iterations (20,000 per ms) so that\n"
          "                       images are reproducible; past it the program pauses\n"
          "                       where it is\n"
          "  --embed-assets DIR   store the files under DIR in the image\n"
          "  --quiet              no compile report on stderr\n",
          image::currentPlatform().c_str());
}

bool parseUnsigned(const char* s, uint64_t* out) {
  if (!*s) return false;
  char* end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end || errno || s[0] == '-') return false;
  *out = v;
  return true;
}

std::string stemOf(const std::string& file) {
  std::string name = std::filesystem::path(file).filename().string();
  for (const char* ext : {".ts", ".mts", ".js", ".mjs"}) {
    size_t n = strlen(ext);
    if (name.size() > n && name.compare(name.size() - n, n, ext) == 0) return name.substr(0, name.size() - n);
  }
  return name;
}

std::string humanBytes(uint64_t n) {
  if (n < 10 * 1024) return fmt::format("{} B", n);
  if (n < 10 * 1024 * 1024) return fmt::format("{:.1f} KiB", double(n) / 1024);
  return fmt::format("{:.1f} MiB", double(n) / 1024 / 1024);
}

int refuse(const std::string& what, const image::LoadFailure& f) {
  fprintf(stderr, "kiln: %s: %s\n", what.c_str(), f.message.c_str());
  return image::errorExitCode(f.error);
}

// Loads entry `entryName` of `img` and runs the program on.
int runImage(const image::ImageFile& img, const std::string& label, const std::string& entryName, bool profileLoad,
             std::vector<std::string> args, image::LoadProfile* profile, double start) {
  int entry = img.findEntry(entryName);
  if (entry < 0) {
    std::string names;
    for (size_t i = 0; i < img.entryCount(); i++) names += (i ? ", " : "") + img.entryName(i);
    image::LoadFailure f{image::ImageError::NoSuchEntry,
                         fmt::format("{}: no entry named '{}' (the image has: {})",
                                     image::errorName(image::ImageError::NoSuchEntry), entryName, names)};
    return refuse(label, f);
  }
  image::LoadFailure failure;
  std::unique_ptr<VM> vm = loadImageEntry(img, size_t(entry), &failure, profile);
  if (!vm) return refuse(label, failure);
  if (!vm->roots().program.isCell()) {
    failure = {image::ImageError::BadManifest, "bad manifest: the entry holds no program"};
    return refuse(label, failure);
  }
  attachCheckpoint(*vm);
  vm->readAsset = [&img](std::string_view name, std::string* bytes) {
    std::optional<std::string> a = img.asset(name);
    if (!a) return false;
    *bytes = std::move(*a);
    return true;
  };
  vm->assetNames = [&img] { return img.assetNames(); };
  vm->argv.push_back(selfPath());
  vm->argv.push_back(img.entryPath(size_t(entry)));
  for (std::string& a : args) vm->argv.push_back(std::move(a));
  if (profileLoad) {
    std::string line = "kiln: load (µs):";
    for (auto& [name, us] : profile->phases) line += fmt::format(" {} {:.1f},", name, us);
    line += fmt::format(" total {:.1f}\n", nowUs() - start);
    fputs(line.c_str(), stderr);
  }
  Value r = runProgram(*vm);
  return programExitStatus(*vm, r);
}

}  // namespace

std::string selfPath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, size_t(n)) : std::string("kiln");
}

int compileCommand(int argc, char** argv) {
  BuildOptions options;
  std::string output, target;
  bool bundle = false, quiet = false;
  size_t positional = 0;  // positional FILEs come first, --entry ones after
  for (int i = 0; i < argc; i++) {
    std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        fprintf(stderr, "kiln compile: %s needs a value\n", name);
        return nullptr;
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      compileUsage(stdout);
      return 0;
    } else if (a == "-o" || a == "--output") {
      const char* v = value("-o");
      if (!v) return 2;
      output = v;
    } else if (a == "--entry") {
      const char* v = value("--entry");
      if (!v) return 2;
      options.entries.push_back(v);
    } else if (a == "--bundle") {
      bundle = true;
    } else if (a == "-O" || a == "-O0" || a == "-O1" || a == "-O2") {
      const char* v = a.size() == 3 ? a.c_str() + 2 : value("-O");
      if (!v) return 2;
      if (strcmp(v, "0") && strcmp(v, "1") && strcmp(v, "2")) {
        fprintf(stderr, "kiln compile: -O takes 0, 1 or 2, not '%s'\n", v);
        return 2;
      }
      options.optLevel = v[0] - '0';
    } else if (a == "--target") {
      const char* v = value("--target");
      if (!v) return 2;
      target = v;
    } else if (a == "--source-map") {
      options.sourceMap = true;
    } else if (a == "--compress" || a.rfind("--compress=", 0) == 0) {
      const char* v = a == "--compress" ? value("--compress") : a.c_str() + 11;
      if (!v) return 2;
      if (!strcmp(v, "zstd")) options.compression = image::HeapCompression::Zstd;
      else if (!strcmp(v, "none")) options.compression = image::HeapCompression::None;
      else {
        fprintf(stderr, "kiln compile: --compress takes zstd or none, not '%s'\n", v);
        return 2;
      }
    } else if (a == "--init-budget") {
      const char* v = value("--init-budget");
      if (!v) return 2;
      if (!parseUnsigned(v, &options.initBudgetMs) || options.initBudgetMs > 3600 * 1000) {
        fprintf(stderr, "kiln compile: --init-budget takes milliseconds (0 to 3600000), not '%s'\n", v);
        return 2;
      }
    } else if (a == "--embed-assets") {
      const char* v = value("--embed-assets");
      if (!v) return 2;
      options.assetsDir = v;
    } else if (a == "--quiet" || a == "-q") {
      quiet = true;
    } else if (a.size() > 1 && a[0] == '-') {
      fprintf(stderr, "kiln compile: unknown option '%s' (see kiln compile --help)\n", a.c_str());
      return 2;
    } else {
      options.entries.insert(options.entries.begin() + positional++, a);
    }
  }
  if (options.entries.empty()) {
    fprintf(stderr, "kiln compile: missing FILE\n");
    compileUsage(stderr);
    return 2;
  }
  if (!target.empty() && target != image::currentPlatform()) {
    fprintf(stderr, "kiln compile: --target %s: this kiln builds images for %s only\n", target.c_str(),
            image::currentPlatform().c_str());
    return 2;
  }
  if (output.empty()) output = stemOf(options.entries[0]) + (bundle ? "" : ".kiln");

  image::ImageContents contents = newImageContents();
  std::string report;
  if (int status = buildImage(options, &contents, &report)) return status;
  contents.stats.push_back({"optimization level", uint64_t(options.optLevel)});

  std::string bytes = image::serialize(contents);
  std::string error;
  bool ok = bundle ? image::writeBundle(selfPath(), bytes, output, &error)
                   : image::writeImageFile(contents, output, &error);
  if (!ok) {
    fprintf(stderr, "kiln compile: %s\n", error.c_str());  // the writers' messages name the file
    return 1;
  }
  if (!quiet) {
    image::LoadFailure f;
    auto img = image::ImageFile::fromBytes(bytes.data(), bytes.size(), currentExpectations(), &f);
    report += fmt::format("  image: {} ({}{})\n", output, humanBytes(bytes.size()), bundle ? " plus the runtime" : "");
    if (img) {
      for (const auto& s : img->sections())
        report += fmt::format("    {:<12} {:>10} stored, {:>10} raw, {}\n", s.name, humanBytes(s.storedBytes),
                              humanBytes(s.rawBytes), s.compression);
    }
    fputs(report.c_str(), stderr);
  }
  return 0;
}

int runCommand(int argc, char** argv) {
  double start = nowUs();
  std::string entry;
  bool profileLoad = false;
  int i = 0;
  for (; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--entry") {
      if (i + 1 >= argc) {
        fprintf(stderr, "kiln run: --entry needs a value\n");
        return 2;
      }
      entry = argv[++i];
    } else if (a == "--profile-load") {
      profileLoad = true;
    } else if (a == "--help" || a == "-h") {
      printf("usage: kiln run [--entry NAME] [--profile-load] IMAGE [ARGS...]\n");
      return 0;
    } else if (a.size() > 1 && a[0] == '-') {
      fprintf(stderr, "kiln run: unknown option '%s'\n", a.c_str());
      return 2;
    } else {
      break;
    }
  }
  if (i >= argc) {
    fprintf(stderr, "kiln run: missing IMAGE\nusage: kiln run [--entry NAME] [--profile-load] IMAGE [ARGS...]\n");
    return 2;
  }
  std::string path = argv[i++];
  image::LoadFailure failure;
  image::LoadProfile profile;
  auto img = image::ImageFile::open(path, currentExpectations(), &failure, &profile);
  if (!img) return refuse(path, failure);
  return runImage(*img, path, entry, profileLoad, std::vector<std::string>(argv + i, argv + argc), &profile, start);
}

int inspectCommand(int argc, char** argv) {
  if (argc != 1 || argv[0][0] == '-') {
    fprintf(stderr, "usage: kiln inspect IMAGE\n");
    return 2;
  }
  // inspect shows images of any kiln: only the file's integrity is required.
  image::LoadFailure failure;
  image::Expectations any = currentExpectations();
  auto img = image::ImageFile::open(argv[0], any, &failure);
  if (!img) return refuse(argv[0], failure);
  fputs(image::describeImage(*img).c_str(), stdout);
  return 0;
}

int runBundledImage(int argc, char** argv) {
  double start = nowUs();
  image::LoadFailure failure;
  image::LoadProfile profile;
  auto img = image::ImageFile::openBundled(selfPath(), currentExpectations(), &failure, &profile);
  if (!img) {
    if (failure.error == image::ImageError::None) return -1;
    return refuse(selfPath(), failure);
  }
  const char* profileEnv = getenv("KILN_PROFILE_LOAD");
  return runImage(*img, selfPath(), "", profileEnv && *profileEnv == '1',
                  std::vector<std::string>(argv + 1, argv + argc), &profile, start);
}

}  // namespace kiln
