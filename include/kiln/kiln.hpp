// C++ ownership for the C API of kiln/kiln.h (header only): a runtime that
// shuts itself down and a result that frees its JSON.
//
//   kiln::embed::Runtime rt(kiln_init(&config, &error));
//   kiln::embed::Result r(kiln_execute(rt.get(), "handle", args, 100));
//   if (r.status() == KILN_OK) use(r.json());
#ifndef KILN_KILN_HPP
#define KILN_KILN_HPP

#include <memory>
#include <string_view>

#include "kiln/kiln.h"

namespace kiln::embed {

struct RuntimeDeleter {
  void operator()(kiln_runtime* rt) const { kiln_shutdown(rt); }
};
using Runtime = std::unique_ptr<kiln_runtime, RuntimeDeleter>;

class Result {
 public:
  explicit Result(kiln_result result) : result_(result) {}
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result() { kiln_result_free(&result_); }

  kiln_status status() const { return result_.status; }
  // The JSON text ("" only if kiln could not allocate it).
  std::string_view json() const { return result_.json ? std::string_view(result_.json, result_.json_len) : ""; }

 private:
  kiln_result result_;
};

}  // namespace kiln::embed

#endif  // KILN_KILN_HPP
