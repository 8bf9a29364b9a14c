// The boundary between the test262 runner (metadata, harness assembly,
// workers, baseline) and the engine (which runs one test in a fresh realm).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kiln::test262 {

enum class ErrorPhase { None, Parse, Resolution, Runtime };

struct RunRequest {
  std::string path;    // absolute path of the test file (modules resolve imports relative to it)
  std::string source;  // script: the full text (harness + test, "use strict" prefix already applied);
                       // module: the test file's own text
  bool isModule = false;
  // Modules only: harness files evaluated as plain scripts in the same realm
  // before the module, as (file name, text) pairs.
  std::vector<std::pair<std::string, std::string>> preludeScripts;
  uint32_t timeoutMs = 10000;
};

struct RunResult {
  // How the run ended. When an uncaught error ended it, errorPhase says when
  // (Parse: the source was rejected before anything ran; Resolution: module
  // linking failed; Runtime: thrown while running, including errors thrown
  // by the harness) and errorName is the error's constructor name
  // ("SyntaxError", "Test262Error", ...).
  ErrorPhase errorPhase = ErrorPhase::None;
  std::string errorName;
  std::string errorMessage;
  std::string printed;   // everything the test printed with print(), one line each
  bool timedOut = false;
};

// Runs one test in a fresh realm of a runtime owned by the calling thread:
// defines print() and $262 (evalScript, detachArrayBuffer, gc, global), runs
// the source, then the job queue until it is empty. Implemented by the engine
// side in tests/test262/host.cpp.
RunResult runTest(const RunRequest& request);

}  // namespace kiln::test262
