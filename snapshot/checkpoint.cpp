#include "snapshot/checkpoint.h"

#include <filesystem>

#include "builtins/builtins.h"
#include "builtins/program.h"
#include "engine/bytecode.h"
#include "engine/interpreter.h"
#include "loader/loader.h"
#include "snapshot/build.h"
#include "snapshot/heap_writer.h"

namespace kiln {

namespace {

Value writeCheckpoint(VM& vm, std::string_view path, const CallInfo& call) {
  Interpreter& interp = vm.interpreter();
  auto* st = vm.cell<ValueArrayCell>(vm.roots().stack);
  Value* S = st->data();
  // The call in progress: the running frame, at the call instruction (the
  // loop saved its start), with callee, this and arguments at `base`.
  uint32_t fp = interp.currentFp();
  uint32_t pcStart = interp.currentPc();
  auto* fi = vm.cell<FunctionInfoCell>(S[fp + frame::kInfo]);
  const uint8_t* code = vm.cell<ByteArrayCell>(fi->code)->data();
  PausedCall c;
  c.fp = fp;
  c.pcAfter = pcStart + instructionSize(Op(code[pcStart]));
  c.base = uint32_t(call.argv - S) - 2;
  c.argc = call.argc;
  c.stackLength = st->length;
  c.result = Value::boolean(true);  // what checkpoint() returns in the resumed program
  if (!recordPausedCall(vm, c)) return Value::exception();
  std::string program = vm.argv.size() > 1 ? vm.argv[1] : std::string("program");
  image::Entry entry = snapshotEntry(vm, entryNameOf(program), program);
  entry.modules = moduleTable(vm);
  clearPausedCall(vm);
  entry.pause.kind = "checkpoint";
  entry.pause.detail = "checkpoint() was called here; the resumed program sees it return true";
  setPausePosition(vm, S[fp + frame::kInfo], pcStart, &entry.pause);
  image::ImageContents contents = newImageContents();
  contents.flags = image::kFlagCheckpoint;
  contents.entries.push_back(std::move(entry));
  std::string error;
  if (!image::writeImageFile(contents, std::string(path), &error))
    return vm.throwError(ErrorType::Error, "checkpoint(): " + error);
  return Value::boolean(false);
}

}  // namespace

void attachCheckpoint(VM& vm) { vm.checkpoint = &writeCheckpoint; }

}  // namespace kiln
