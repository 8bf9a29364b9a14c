// The kiln command.
//
//   kiln dev FILE [ARGS...]       run a program (ES modules, TypeScript or JavaScript) from source
//   kiln --version | --help
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "builtins/builtins.h"
#include "builtins/host_modules.h"
#include "builtins/program.h"
#include "builtins/timers.h"
#include "cli/commands.h"
#include "cli/report.h"
#include "engine/compiler.h"
#include "engine/disasm.h"
#include "engine/eval.h"
#include "engine/interpreter.h"
#include "engine/module.h"
#include "engine/object.h"
#include "engine/promise_hooks.h"
#include "engine/strings.h"
#include "loader/loader.h"
#include "snapshot/base_image.h"
#include "snapshot/checkpoint.h"

namespace kiln {

namespace {


void usage(FILE* out) {
  fprintf(out,
          "usage: kiln <command> [options]\n"
          "\n"
          "commands:\n"
          "  dev FILE [ARGS...]   run a program from source (ES modules; .ts or .js)\n"
          "  dev --embed-assets DIR FILE [ARGS...]\n"
          "                       the same, kiln:assets reading the files of DIR\n"
          "  dev --script FILE [ARGS...]\n"
          "                       run FILE as a classic (sloppy) script, as node runs CommonJS\n"
          "  dev --dump-bytecode FILE\n"
          "                       print the bytecode of FILE's module body and functions\n"
          "  compile FILE... [-o OUT] [options]\n"
          "                       run FILE's initialization now, up to its first effect, and\n"
          "                       write the program as an image (see kiln compile --help)\n"
          "  run [--entry NAME] [--profile-load] IMAGE [ARGS...]\n"
          "                       continue a program from its image\n"
          "  inspect IMAGE        what an image holds and where its build paused\n"
          "\n"
          "options:\n"
          "  --version            print kiln's version\n"
          "  --help               print this help\n");
}

// --dump-bytecode: compile FILE as a module and print its bytecode.
int dumpBytecode(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    fprintf(stderr, "kiln: cannot open '%s'\n", file.c_str());
    return 1;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  auto source = SourceFile::fromUtf8(file, ss.str());
  ParseOptions options;
  options.isModule = true;
  options.typescript = source->isTypeScript();
  ParseError err;
  auto program = parseProgram(*source, options, &err);
  if (!program) {
    fprintf(stderr, "%s\n", formatSyntaxError(*source, err).c_str());
    return 1;
  }
  std::string error;
  auto compiled = compileModule(*program, *source, &error);
  if (!compiled) {
    fprintf(stderr, "kiln: %s\n", error.c_str());
    return 1;
  }
  fputs(disassemble(*compiled).c_str(), stdout);
  return 0;
}

// `kiln dev --embed-assets DIR`: kiln:assets reads the files of DIR, as
// `kiln run` reads those `kiln compile --embed-assets DIR` stored.
void attachAssetsFolder(VM& vm, const std::string& dir) {
  namespace fs = std::filesystem;
  vm.readAsset = [dir](std::string_view name, std::string* bytes) {
    fs::path rel = fs::path(std::string(name)).lexically_normal();
    if (name.empty() || rel.is_absolute() || rel.string().rfind("..", 0) == 0) return false;
    std::ifstream in(fs::path(dir) / rel, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    *bytes = ss.str();
    return true;
  };
  vm.assetNames = [dir] {
    std::vector<std::string> names;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
      if (it->is_regular_file(ec)) names.push_back(fs::relative(it->path(), dir, ec).generic_string());
    std::sort(names.begin(), names.end());
    return names;
  };
}

// `--script` (or a .cjs file) runs the entry as a classic sloppy script, as
// node runs CommonJS files (the benchmark programs are such scripts);
// otherwise the entry is an ES module.
bool classicScript_ = false;
bool isClassicScript(const std::string& file) {
  return classicScript_ || (file.size() > 4 && file.compare(file.size() - 4, 4, ".cjs") == 0);
}

int runDev(int argc, char** argv, const char* argv0) {
  if (argc >= 2 && std::string(argv[0]) == "--dump-bytecode") return dumpBytecode(argv[1]);
  std::string assetsDir;
  while (argc >= 1 && argv[0][0] == '-') {
    std::string opt = argv[0];
    if (opt == "--script") {
      classicScript_ = true;
    } else if (opt == "--embed-assets" && argc >= 2) {
      assetsDir = argv[1];
      argc--;
      argv++;
    } else {
      fprintf(stderr, "kiln dev: unknown option '%s'\nusage: kiln dev [--script] [--embed-assets DIR] FILE [ARGS...]\n",
              opt.c_str());
      return 2;
    }
    argc--;
    argv++;
  }
  if (argc < 1) {
    fprintf(stderr, "kiln dev: missing FILE\nusage: kiln dev FILE [ARGS...]\n");
    return 2;
  }
  std::string file = argv[0];
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    fprintf(stderr, "kiln: cannot open '%s': %s\n", file.c_str(),
            std::filesystem::exists(file, ec) ? "not a regular file" : "no such file");
    return 1;
  }
  std::unique_ptr<VM> vmOwner = newRealmVM();  // from the embedded base image
  if (!vmOwner) {
    fprintf(stderr, "kiln: internal error: realm setup failed\n");
    return 70;
  }
  VM& vm = *vmOwner;
  vm.argv.push_back(selfPath());
  vm.argv.push_back(std::filesystem::absolute(file, ec).lexically_normal().string());
  for (int i = 1; i < argc; i++) vm.argv.push_back(argv[i]);
  attachCheckpoint(vm);
  if (!assetsDir.empty()) attachAssetsFolder(vm, assetsDir);
  int status = 0;
  if (isClassicScript(file)) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    auto source = SourceFile::fromUtf8(file, ss.str());
    ParseError err;
    Value info = compileScriptInfo(vm, *source, &err);
    if (info.isUndefined()) {
      fprintf(stderr, "%s\n", formatSyntaxError(*source, err).c_str());
      return 1;
    }
    Value r = info.isException() ? info : runScriptInfo(vm, info);
    if (!r.isException()) r = runEventLoop(vm);
    return programExitStatus(vm, r);
  }
  ModuleLoadError loadError;
  Value module = loadModuleGraph(vm, file, &loadError);
  if (module.isException()) {
    status = reportUncaught(vm);
  } else if (module.isUndefined()) {
    fprintf(stderr, "%s\n", loadError.message.c_str());
    status = 1;
  } else {
    // The same driver `kiln run` continues from an image.
    Value r = startProgram(vm, module);
    if (!r.isException()) r = runProgram(vm);
    return programExitStatus(vm, r);
  }
  fflush(stdout);
  fflush(stderr);
  return status;
}

}  // namespace

}  // namespace kiln

// The base image the build embedded (CMakeLists.txt: base_image_data.cpp).
extern "C" const char kiln_base_image_start[], kiln_base_image_end[];

int main(int argc, char** argv) {
  using namespace kiln;
  setEmbeddedBaseImage({kiln_base_image_start, size_t(kiln_base_image_end - kiln_base_image_start)});
  // A bundle (kiln compile --bundle) runs its own image with all its arguments.
  if (int status = runBundledImage(argc, argv); status >= 0) return status;
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "-v") {
    printf("kiln %s\n", kKilnVersion);
    return 0;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    usage(stdout);
    return 0;
  }
  if (cmd == "dev") return runDev(argc - 2, argv + 2, argv[0]);
  if (cmd == "compile") return compileCommand(argc - 2, argv + 2);
  if (cmd == "run") return runCommand(argc - 2, argv + 2);
  if (cmd == "inspect") return inspectCommand(argc - 2, argv + 2);
  fprintf(stderr, "kiln: unknown command '%s'\n", cmd.c_str());
  usage(stderr);
  return 2;
}
