// Layouts of every heap cell kind (see cell_kinds.def). Fields hold Refs,
// Values or plain integers only; traceCell (cells.cpp) is the one place that
// says which fields are references, and the GC, the verifier and the image
// writer all use it.
#pragma once

#include <cstdint>

#include "engine/heap.h"
#include "engine/value.h"

namespace kiln {

// ---- strings ---------------------------------------------------------------

struct StringCell : CellHeader {
  enum Flags : uint8_t { kTwoByte = 1, kAtom = 2, kHashed = 4, kArrayIndexKnown = 8, kIsArrayIndex = 16 };
  uint32_t length;
  uint32_t hash;
  uint32_t indexValue;  // the array index when kIsArrayIndex
  // followed by `length` uint8_t (one-byte) or char16_t (two-byte) code units
  bool twoByte() const { return flags & kTwoByte; }
  bool isAtom() const { return flags & kAtom; }
  const uint8_t* latin1() const { return reinterpret_cast<const uint8_t*>(this + 1); }
  uint8_t* latin1() { return reinterpret_cast<uint8_t*>(this + 1); }
  const char16_t* utf16() const { return reinterpret_cast<const char16_t*>(this + 1); }
  char16_t* utf16() { return reinterpret_cast<char16_t*>(this + 1); }
  char16_t at(uint32_t i) const { return twoByte() ? utf16()[i] : latin1()[i]; }
};

struct SymbolCell : CellHeader {
  enum Flags : uint8_t { kRegistered = 1, kPrivate = 2, kWellKnown = 4 };
  Value description;  // a string, or undefined
};

// flags: kNegative. Magnitude in little-endian 32-bit limbs, no leading zero limb.
struct BigIntCell : CellHeader {
  enum Flags : uint8_t { kNegative = 1 };
  uint32_t limbCount;
  uint32_t pad;
  uint32_t* limbs() { return reinterpret_cast<uint32_t*>(this + 1); }
  const uint32_t* limbs() const { return reinterpret_cast<const uint32_t*>(this + 1); }
};

// ---- internal cells ----------------------------------------------------------

// ValueArrayCell flag: only slots below `length` are traced (the VM stack,
// whose slots above the stack pointer hold stale values).
constexpr uint8_t kTraceUsedOnly = 1;

struct ValueArrayCell : CellHeader {
  uint32_t capacity;
  uint32_t length;  // used slots (for growable uses); <= capacity
  Value* data() { return reinterpret_cast<Value*>(this + 1); }
  const Value* data() const { return reinterpret_cast<const Value*>(this + 1); }
};

struct ByteArrayCell : CellHeader {
  uint32_t length;
  uint32_t pad;
  uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(this + 1); }
};

// Property attributes (also stored in shapes and dictionaries).
enum Attr : uint8_t {
  kWritable = 1, kEnumerable = 2, kConfigurable = 4, kAccessor = 8,
  kDefaultAttrs = kWritable | kEnumerable | kConfigurable,
};

// A hidden class: the ordered list of an object's own named properties
// (keys, attributes, slot numbers), shared by objects built the same way.
// Each shape is its parent plus one property; `transitions` leads to children.
struct ShapeCell : CellHeader {
  Ref parent;          // 0 for a root shape
  Value key;           // key added by this transition (atom string, symbol, or int index)
  uint32_t attrs;      // attributes of `key`
  uint32_t count;      // number of properties, = slots used
  Ref transitions;     // 0, a single ShapeCell, or a HashTable keyed by (key, attrs)
  Ref table;           // lazily built HashTable key -> property index, for lookups
  Ref keys;            // lazily built ValueArray: [key0, attrs0, key1, attrs1, ...] in order
  uint32_t pad;
};

// An insertion-ordered hash table (like V8's OrderedHashMap): dictionaries of
// slow-mode objects, Map, Set, the atom table and the global lexical scope.
// Entries have `width` Values: key, then (value), then (attrs). A deleted
// entry has the hole as its key. Chains are entry indices (uint32), ~0u ends.
struct HashTableCell : CellHeader {
  uint32_t width;
  uint32_t capacity;     // entries
  uint32_t used;         // entries used (live or deleted), in order
  uint32_t live;         // live entries
  uint32_t bucketCount;  // power of two
  Ref forward;           // after a rehash: the table that replaced this one (for live iterators)
  // uint32_t buckets[bucketCount]; uint32_t chain[capacity]; (padded to 8) Value entries[capacity*width]
  uint32_t* buckets() { return reinterpret_cast<uint32_t*>(this + 1); }
  uint32_t* chain() { return buckets() + bucketCount; }
  Value* entries() {
    uintptr_t p = reinterpret_cast<uintptr_t>(chain() + capacity);
    return reinterpret_cast<Value*>((p + 7) & ~uintptr_t(7));
  }
  Value* entry(uint32_t i) { return entries() + size_t(i) * width; }
};

// A scope's heap bindings.
struct EnvironmentCell : CellHeader {
  enum Flags : uint8_t { kWith = 1, kModule = 2, kFunction = 4 };
  Ref parent;    // enclosing Environment, 0 at the outermost
  Value scope;   // scope descriptor (internal cell describing names), or undefined
  Value object;  // kWith: the binding object
  uint32_t count;
  uint32_t pad;
  Value* slots() { return reinterpret_cast<Value*>(this + 1); }
};

// ---- JavaScript objects ------------------------------------------------------

// Common prefix of every object kind. Fast mode: `shape` describes the named
// properties whose values are in `slots` (a ValueArray). Dictionary mode
// (kDictionary): `slots` is a HashTable of width 3 (key, value, attrs) holding
// every property, indexed ones included, and `shape` is 0.
// `elements` is a ValueArray of dense indexed properties (holes allowed), all
// with default attributes, in fast mode only.
struct ObjectCell : CellHeader {
  enum Flags : uint8_t {
    kExtensible = 1, kDictionary = 2, kClassConstructor = 4, kIsCallable = 8,
    kIsConstructor = 16, kFrozenElements = 32, kHasIndexedAccessors = 64, kStrictFunction = 128,
  };
  Ref shape;
  Ref proto;     // 0 is null
  Ref slots;
  Ref elements;
  bool extensible() const { return flags & kExtensible; }
  bool dictionary() const { return flags & kDictionary; }
};

struct ArrayCell : ObjectCell {
  uint32_t length;
  uint32_t lengthWritable;  // 0 once length has been made non-writable
};

// A closure: a FunctionInfo plus its environment.
struct FunctionCell : ObjectCell {
  Ref info;        // FunctionInfo
  Ref env;         // captured Environment (0: none)
  Value home;      // home object for super, or undefined
  Value thisValue; // unused for now (arrows capture `this` through the env)
  Value fields;    // class constructors: the field initializer function, or undefined
  Value realm;     // the Realm cell this function was created in
};

// A native function: an index into the natives table, plus internal slots
// for natives that need data (bound args, promise capabilities...).
struct NativeFunctionCell : ObjectCell {
  uint32_t native;  // index in the natives table (builtins/natives.def)
  uint32_t pad;
  Value realm;
  Value data0, data1, data2;
};

struct BoundFunctionCell : ObjectCell {
  Value target;
  Value boundThis;
  Value boundArgs;  // ValueArray
};

// Error, Date, Boolean/Number/String/Symbol/BigInt wrappers, RegExp, Map, Set,
// iterators, array buffers, promises, generators...: an object plus a few
// internal Values whose meaning depends on the kind.
struct InternalObjectCell : ObjectCell {
  Value internal[6];
};

// Proxy: [[ProxyTarget]], [[ProxyHandler]] (null after revocation).
struct ProxyCell : ObjectCell {
  Value target;
  Value handler;
};

// Compiled code of one function (materialized from CompiledFunction).
struct FunctionInfoCell : CellHeader {
  Ref code;          // ByteArray: bytecode
  Ref constants;     // ValueArray
  Ref children;      // ValueArray of FunctionInfo
  Ref lineTable;     // ByteArray: pairs of uint32 (pc, source offset)
  Ref handlers;      // ByteArray: uint32 quadruples (start, end, handler, stack depth)
  Ref icCache;       // ValueArray, 2 entries per inline cache (shape, slot)
  Value name;        // string
  Value source;      // the Module or script record it belongs to (for file name and source text)
  uint32_t flags;
  uint32_t length;   // the `length` property
  uint32_t paramSlots;
  uint32_t localCount;
  uint32_t maxStack;
  uint32_t sourceStart, sourceEnd;
  uint32_t kind;     // ast::FunctionKind
  uint32_t extra0, extra1;  // compiler-defined (arguments slot, rest index...)
};

// Module record: see engine/module.h for the meaning of each field.
struct ModuleCell : CellHeader {
  Value path;        // string
  Value source;      // internal: the source text (string) for code frames
  Value function;    // FunctionInfo of the module body
  Value env;         // module Environment
  Value namespaceObject;
  Value requested;   // ValueArray of resolved Module cells
  Value imports;     // ValueArray: per import entry, [Environment, slot] pairs after linking
  Value exports;     // HashTable: export name -> [module, slot] resolution
  Value status;      // int: unlinked, linking, linked, evaluating, evaluated, errored
  Value error;       // the evaluation error
  Value dfsIndex, dfsAncestor;
  Value descriptor;  // the module's static description (imports, exports)
  // Evaluation with top-level await (ECMA-262 §16.2.1.5.3); undefined until set.
  Value cycleRoot;           // [[CycleRoot]]
  Value topLevelCapability;  // [[TopLevelCapability]]: its promise
  Value asyncOrder;          // int [[AsyncEvaluationOrder]]: 0 unset, > 0 its turn, -1 done
  Value pendingAsyncDeps;    // int [[PendingAsyncDependencies]]
  Value asyncParents;        // growable ValueArray: [[AsyncParentModules]]
  Value meta;                // the import.meta object, made on first use
};

struct RealmCell : CellHeader {
  uint32_t count;
  uint32_t pad;
  Value* intrinsics() { return reinterpret_cast<Value*>(this + 1); }
};

// The suspended frame of a generator or async function.
struct GeneratorCell : ObjectCell {
  Value state;     // int: suspendedStart, suspendedYield, executing, completed
  Value frame;     // ValueArray: the saved frame (header, locals, operand stack)
  Value function;  // the generator function
  Value extra;     // async: the promise capability; async generators: the request queue
};

}  // namespace kiln
