// Objects: ordinary object internal methods (ECMA-262 §10.1), the exotic
// objects that the object model itself must know (arrays §10.4.2, string
// wrappers §10.4.3, proxies §10.5, typed arrays §10.4.5, module namespaces
// §10.4.6), and the abstract operations on objects of §7.3.
//
// Property keys are Values: an array index (0..2^32-2) is always a Number
// (Int when it fits), any other string is an atom, or a Symbol. Use
// toPropertyKey / keyFromAtom to make one.
#pragma once

#include <span>

#include "engine/vm.h"

namespace kiln {

struct PropertyDescriptor {
  Value value = Value::undefined();
  Value getter = Value::undefined();
  Value setter = Value::undefined();
  bool hasValue = false, hasGet = false, hasSet = false;
  bool hasWritable = false, hasEnumerable = false, hasConfigurable = false;
  bool writable = false, enumerable = false, configurable = false;

  bool isAccessor() const { return hasGet || hasSet; }
  bool isData() const { return hasValue || hasWritable; }
  static PropertyDescriptor data(Value v, uint8_t attrs) {
    PropertyDescriptor d;
    d.value = v;
    d.hasValue = d.hasWritable = d.hasEnumerable = d.hasConfigurable = true;
    d.writable = attrs & kWritable;
    d.enumerable = attrs & kEnumerable;
    d.configurable = attrs & kConfigurable;
    return d;
  }
  uint8_t attrs() const {
    return (writable ? kWritable : 0) | (enumerable ? kEnumerable : 0) | (configurable ? kConfigurable : 0) |
           (isAccessor() ? kAccessor : 0);
  }
};

// Roots every Value of a descriptor for as long as it lives.
class RootedDescriptor {
 public:
  explicit RootedDescriptor(Heap& h) : v_(h), g_(h), s_(h) {}
  PropertyDescriptor& operator*() { sync(); return d_; }
  PropertyDescriptor* operator->() { return &d_; }
  PropertyDescriptor* get() { return &d_; }
  void sync() { v_.set(d_.value); g_.set(d_.getter); s_.set(d_.setter); }
 private:
  PropertyDescriptor d_;
  Root v_, g_, s_;
};

inline ObjectCell* obj(VM& vm, Value v) { return vm.cell<ObjectCell>(v); }
inline bool isObjectKind(CellKind k) { return k >= CellKind::Object; }
inline CellKind kindOf(VM& vm, Value v) { return vm.cell(v)->kind; }

// ---- creation ------------------------------------------------------------------

// Allocates an object of `kind` with `bytes` total size (>= sizeof(ObjectCell)),
// prototype `proto` (null or an object), no properties, extensible.
Value newObjectOfKind(VM& vm, CellKind kind, size_t bytes, Value proto);
Value newObject(VM& vm);                 // proto %Object.prototype%
Value newObject(VM& vm, Value proto);
Value newArray(VM& vm, uint32_t length = 0);
Value newArrayFrom(VM& vm, std::span<const Value> values);
// A ValueArray cell (internal), all slots undefined, length 0 or `length`.
Ref newValueArray(VM& vm, uint32_t capacity, uint32_t length = 0);
// Appends v to a growable list: a ValueArray (used up to its length), or
// undefined for an empty one. Returns the list to store back (a new cell when
// it had to grow), or exception.
Value listAppend(VM& vm, Value list, Value v);
Ref newByteArray(VM& vm, uint32_t length);

// ---- keys ----------------------------------------------------------------------

Value toPropertyKey(VM& vm, Value v);        // ToPropertyKey, canonicalized; may throw
Value keyFromString(VM& vm, Value string);   // canonical key for a string (index or atom)
Value keyFromIndex(uint32_t index);
inline bool isIndexKey(Value key) { return key.isNumber(); }
inline uint32_t indexOfKey(Value key) { return key.isInt() ? uint32_t(key.asInt()) : uint32_t(key.toDouble()); }
Value keyToValue(VM& vm, Value key);         // back to a String or Symbol value (for ownKeys results)
Value keyFromAtom(VM& vm, Atom a);

// ---- internal methods (§10.1) ----------------------------------------------------

Value getPrototypeOf(VM& vm, Value o);                    // object, null, or exception
Status setPrototypeOf(VM& vm, Value o, Value proto);
Status isExtensible(VM& vm, Value o);
Status preventExtensions(VM& vm, Value o);
// False when there is no such own property.
Status getOwnProperty(VM& vm, Value o, Value key, PropertyDescriptor* out);
Status defineOwnProperty(VM& vm, Value o, Value key, const PropertyDescriptor& desc);
Status hasProperty(VM& vm, Value o, Value key);
Value get(VM& vm, Value o, Value key, Value receiver);
Status set(VM& vm, Value o, Value key, Value v, Value receiver);
Status deleteProperty(VM& vm, Value o, Value key);
// A ValueArray of keys (as property keys) in spec order, or 0 with an exception.
Ref ownPropertyKeys(VM& vm, Value o);

// ---- abstract operations (§7.3) ----------------------------------------------------

inline Value get(VM& vm, Value o, Value key) { return get(vm, o, key, o); }
Value getV(VM& vm, Value v, Value key);                         // GetV: primitives use their prototype
Value getMethod(VM& vm, Value v, Value key);                    // undefined when absent; TypeError if not callable
Status setOrThrow(VM& vm, Value o, Value key, Value v);         // Set(O, P, V, true)
Status createDataProperty(VM& vm, Value o, Value key, Value v);
Status createDataPropertyOrThrow(VM& vm, Value o, Value key, Value v);
Status definePropertyOrThrow(VM& vm, Value o, Value key, const PropertyDescriptor& desc);
Status deletePropertyOrThrow(VM& vm, Value o, Value key);
Status hasOwnProperty(VM& vm, Value o, Value key);
Status setIntegrityLevel(VM& vm, Value o, bool frozen);
Status testIntegrityLevel(VM& vm, Value o, bool frozen);
Value lengthOfArrayLike(VM& vm, Value o);                       // a Number, or exception
Value createListFromArrayLike(VM& vm, Value o);                 // a ValueArray cell value
Value fromPropertyDescriptor(VM& vm, const PropertyDescriptor& d);
Status toPropertyDescriptor(VM& vm, Value o, PropertyDescriptor* out);
bool isCompatiblePropertyDescriptor(VM& vm, bool extensible, const PropertyDescriptor& desc, const PropertyDescriptor* current);

// Fast definition for realm setup and literals: no checks, the key must be
// absent (or present and configurable) and `o` an ordinary object.
void defineValue(VM& vm, Value o, Value key, Value v, uint8_t attrs = kWritable | kConfigurable);
void defineAccessor(VM& vm, Value o, Value key, Value getter, Value setter, uint8_t attrs = kConfigurable);

// Fast own-property lookup on ordinary fast-mode objects (used by inline caches):
// returns the slot index or kNotFound.
uint32_t findOwnSlot(VM& vm, ObjectCell* o, Value key, uint32_t* attrs);
Value* slotAddress(VM& vm, ObjectCell* o, uint32_t slot);

// Private elements (§7.3.31): kept in the object's named storage under the
// Private Name cell, invisible to [[OwnPropertyKeys]] and to proxies' traps.
Value* findPrivateElement(VM& vm, Value o, Value privateName);
Status addPrivateElement(VM& vm, Value o, Value privateName, Value v);

// ---- arrays ---------------------------------------------------------------------

Status isArray(VM& vm, Value v);   // IsArray: sees through proxies (may throw on revoked proxy)
Status arraySetLength(VM& vm, Value array, const PropertyDescriptor& desc);
// Appends to a dense array (array literal building, push fast path).
Status arrayPush(VM& vm, Value array, Value v);

// ---- exotic-object hooks implemented outside object.cpp --------------------------
struct ExoticOps {
  Status (*getOwnProperty)(VM&, Value o, Value key, PropertyDescriptor* out);
  Status (*defineOwnProperty)(VM&, Value o, Value key, const PropertyDescriptor& desc);
  Status (*hasProperty)(VM&, Value o, Value key);
  Value (*get)(VM&, Value o, Value key, Value receiver);
  Status (*set)(VM&, Value o, Value key, Value v, Value receiver);
  Status (*deleteProperty)(VM&, Value o, Value key);
  Ref (*ownPropertyKeys)(VM&, Value o);
};
// Integer-indexed exotic objects (engine/typed_array_ops.cpp) and proxies (engine/proxy.cpp).
extern const ExoticOps kTypedArrayOps;
extern const ExoticOps kProxyOps;
extern const ExoticOps kNamespaceOps;  // engine/module.cpp
// Proxy's non-property internal methods.
Value proxyGetPrototypeOf(VM& vm, Value proxy);
Status proxySetPrototypeOf(VM& vm, Value proxy, Value proto);
Status proxyIsExtensible(VM& vm, Value proxy);
Status proxyPreventExtensions(VM& vm, Value proxy);

// Ordinary versions, usable by exotic implementations.
Status ordinaryGetOwnProperty(VM& vm, Value o, Value key, PropertyDescriptor* out);
Status ordinaryDefineOwnProperty(VM& vm, Value o, Value key, const PropertyDescriptor& desc);
Value ordinaryGet(VM& vm, Value o, Value key, Value receiver);
Status ordinarySet(VM& vm, Value o, Value key, Value v, Value receiver);
Status ordinarySetWithOwnDescriptor(VM& vm, Value o, Value key, Value v, Value receiver, PropertyDescriptor* ownDesc);
Status ordinaryDelete(VM& vm, Value o, Value key);
Ref ordinaryOwnPropertyKeys(VM& vm, Value o);
Status ordinaryHasProperty(VM& vm, Value o, Value key);

}  // namespace kiln
