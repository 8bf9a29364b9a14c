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
  HeapSnapshot snap = snapshotHeap(vm);
  std::vector<image::ModuleInfo> modules = moduleTable(vm);
  clearPausedCall(vm);

  image::ImageContents contents;
  contents.engineVersion = kKilnVersion;
  contents.platform = image::currentPlatform();
  contents.nativesFingerprint = vm.natives().fingerprint;
  contents.flags = image::kFlagCheckpoint;
  image::Entry entry;
  std::string program = vm.argv.size() > 1 ? vm.argv[1] : std::string("program");
  entry.name = entryNameOf(program);
  entry.path = program;
  entry.heapBase = Heap::kImageBase;
  entry.heap = std::move(snap.bytes);
  entry.roots = std::move(snap.roots);
  entry.patches = std::move(snap.patches);
  entry.heapKinds = std::move(snap.kinds);
  entry.modules = std::move(modules);
  entry.pause.kind = "checkpoint";
  entry.pause.detail = "checkpoint() was called here; the resumed program sees it return true";
  SourcePosition pos;
  if (sourcePositionOf(vm, S[fp + frame::kInfo], pcStart, &pos)) {
    entry.pause.file = pos.path;
    entry.pause.line = pos.line;
    entry.pause.column = pos.column;
  }
  contents.entries.push_back(std::move(entry));
  std::string error;
  if (!image::writeImageFile(contents, std::string(path), &error))
    return vm.throwError(ErrorType::Error, "checkpoint(): cannot write '" + std::string(path) + "': " + error);
  return Value::boolean(false);
}

}  // namespace

void attachCheckpoint(VM& vm) { vm.checkpoint = &writeCheckpoint; }

}  // namespace kiln
