// A minimal serverless host for kiln images (include/kiln/kiln.h).
//
//   host IMAGE [EXPORT]
//
// Loads IMAGE once, then serves one request per line of standard input and
// prints one result per line on standard output:
//
//   ok <json>                the export's return value (or its promise's)
//   error <STATUS> <json>    STATUS is kiln_status_name(): KILN_JS_EXCEPTION
//                            with {"name","message","stack"}, KILN_TIMEOUT,
//                            KILN_BAD_ARGUMENT... with a JSON explanation
//
// A request line is the JSON value passed to EXPORT (default "handle") as its
// only argument; "@NAME JSON" calls the export NAME with that argument
// instead, and "@NAME" calls it with none. Blank lines are skipped. Every
// request starts from the image's heap (kiln_reset): nothing one request
// does is seen by the next. The program's own output (console.log...) goes
// to standard error, so that standard output is only results.
//
// Exit status: 0 at the end of the input; 1 when the image cannot be loaded
// (the reason on standard error) or the results cannot be written; 2 for a
// wrong command line.
#include <kiln/kiln.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

namespace {

// A request that runs longer than this is stopped (KILN_TIMEOUT): one bad
// order must not hold the host.
constexpr uint32_t kRequestTimeoutMs = 1000;

using kiln::embed::Result;
using kiln::embed::Runtime;

// kiln_config.write: the program's stdout and stderr both go to our stderr.
void forwardProgramOutput(void* /*user*/, int /*fd*/, const char* data, size_t len) {
  std::fwrite(data, 1, len, stderr);
}

struct Request {
  std::string exportName;
  std::string argsJson;  // a JSON array
};

// "JSON" -> (defaultExport, "[JSON]"); "@NAME JSON" -> (NAME, "[JSON]");
// "@NAME" -> (NAME, "[]"). The JSON itself is checked by kiln_execute.
Request parseRequest(std::string_view line, const std::string& defaultExport) {
  Request request{defaultExport, {}};
  if (!line.empty() && line.front() == '@') {
    size_t space = line.find_first_of(" \t");
    request.exportName = std::string(line.substr(1, space == std::string_view::npos ? std::string_view::npos : space - 1));
    line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  }
  request.argsJson.reserve(line.size() + 2);
  request.argsJson += '[';
  request.argsJson += line;
  request.argsJson += ']';
  return request;
}

bool isBlank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || argv[1][0] == '\0') {
    std::fprintf(stderr, "usage: host IMAGE [EXPORT]  (kiln %s)\n", kiln_version());
    return 2;
  }
  const std::string defaultExport = argc == 3 ? argv[2] : "handle";

  kiln_config config{};
  config.image_path = argv[1];
  config.write = forwardProgramOutput;
  char* error = nullptr;
  Runtime rt(kiln_init(&config, &error));
  if (!rt) {
    // kiln's message names the file and the reason.
    std::fprintf(stderr, "host: cannot load the image: %s\n", error ? error : argv[1]);
    std::free(error);
    return 1;
  }

  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (isBlank(line)) continue;
    const Request request = parseRequest(line, defaultExport);

    if (kiln_status status = kiln_reset(rt.get()); status != KILN_OK) {
      // The heap could not be put back (the kernel refused): serving on
      // from it would leak one request into the next. Better to stop and
      // let the supervisor start a fresh host.
      std::fprintf(stderr, "host: kiln_reset failed: %s\n", kiln_status_name(status));
      return 1;
    }
    const Result result(kiln_execute(rt.get(), request.exportName.c_str(), request.argsJson.c_str(), kRequestTimeoutMs));
    if (result.status() == KILN_OK) {
      std::cout << "ok " << result.json() << '\n';
    } else {
      std::cout << "error " << kiln_status_name(result.status()) << ' ' << result.json() << '\n';
    }
    // One flushed line per request, so that a caller on a pipe gets each
    // answer as soon as it is ready.
    std::cout.flush();
    if (!std::cout) {
      std::fprintf(stderr, "host: cannot write the results: %s\n", std::strerror(errno));
      return 1;
    }
  }
  if (std::cin.bad()) {
    std::fprintf(stderr, "host: cannot read the requests: %s\n", std::strerror(errno));
    return 1;
  }
  return 0;
}
