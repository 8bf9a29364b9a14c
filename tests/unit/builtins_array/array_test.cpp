// Unit tests of Array, %ArrayIteratorPrototype%, ArrayBuffer, DataView and
// the typed arrays. Each case evaluates a script and compares the string of
// its completion value with what node prints for the same expression.
#define BOOST_TEST_MODULE builtins_array
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <string>

#include "builtins/array_buffer.h"
#include "builtins/builtins.h"
#include "engine/conversions.h"
#include "engine/interpreter.h"
#include "engine/object.h"
#include "engine/source.h"
#include "engine/strings.h"

using namespace kiln;

namespace {

struct Fixture {
  VM vm{nativeTable()};
  Fixture() {
    if (const char* s = std::getenv("KILN_GC_STRESS")) vm.heap().setStressMode(s[0] == '1');
    Value g = createRealm(vm);
    BOOST_REQUIRE(!g.isException());
  }

  // The completion value of `source` as a string; "throws Name: message" if it throws.
  std::string run(const std::string& source) {
    auto file = SourceFile::fromUtf8("test.js", source);
    Value r = evaluateScript(vm, *file);
    bool threw = r.isException();
    if (threw) r = vm.takeException();
    Root rr(vm.heap(), r);
    Value s = toString(vm, rr.get());
    if (s.isException()) {
      vm.takeException();
      return "<unprintable>";
    }
    return (threw ? "throws " : "") + toUtf8(vm, s);
  }
};

#define CHECK_JS(src, expected)                                    \
  do {                                                              \
    std::string actual_ = f.run(src);                               \
    BOOST_TEST(actual_ == std::string(expected), src << " => " << actual_); \
  } while (0)

}  // namespace

BOOST_AUTO_TEST_CASE(array_constructor_and_statics) {
  Fixture f;
  CHECK_JS("Array(3).length", "3");
  CHECK_JS("new Array(1, 2, 3).join('-')", "1-2-3");
  CHECK_JS("Array('x').length + Array('x')[0]", "1x");
  CHECK_JS("try { new Array(-1) } catch (e) { e.name + ': ' + e.message }", "RangeError: Invalid array length");
  CHECK_JS("try { Array(1.5) } catch (e) { e.name }", "RangeError");
  CHECK_JS("Array.isArray([]) + ',' + Array.isArray({}) + ',' + Array.isArray(new Proxy([], {}))", "true,false,true");
  CHECK_JS("Array.of(7, 8).join()", "7,8");
  CHECK_JS("Array.from('abc').join('|')", "a|b|c");
  CHECK_JS("Array.from({length: 3}, (v, i) => i * 2).join()", "0,2,4");
  CHECK_JS("Array.from(new Set([1, 1, 2])).length", "2");
  CHECK_JS("Array[Symbol.species] === Array", "true");
  CHECK_JS("Array.prototype.length", "0");
  CHECK_JS("Array.isArray(Array.prototype)", "true");
}

BOOST_AUTO_TEST_CASE(push_pop_shift_unshift_splice) {
  Fixture f;
  CHECK_JS("var a = [1, 2]; a.push(3, 4) + ':' + a.join()", "4:1,2,3,4");
  CHECK_JS("var a = [1, 2, 3]; a.pop() + ':' + a.length", "3:2");
  CHECK_JS("[].pop()", "undefined");
  CHECK_JS("var a = [1, 2, 3]; a.shift() + ':' + a.join()", "1:2,3");
  CHECK_JS("var a = [3]; a.unshift(1, 2) + ':' + a.join()", "3:1,2,3");
  CHECK_JS("var a = [1, 2, 3, 4, 5]; a.splice(1, 2, 'x').join() + ':' + a.join()", "2,3:1,x,4,5");
  CHECK_JS("var a = [1, 2, 3]; a.splice(-1).join() + ':' + a.join()", "3:1,2");
  CHECK_JS("var o = {length: 2, 0: 'a', 1: 'b'}; Array.prototype.push.call(o, 'c'); o.length + o[2]", "3c");
  CHECK_JS("var a = [1, , 3]; a.shift(); (1 in a) + ',' + (0 in a)", "true,false");
  CHECK_JS("var a = Object.freeze([1]); try { a.push(2) } catch (e) { e.name }", "TypeError");
  CHECK_JS("Array.prototype[1] = 'p'; var a = [0, , 2]; var r = a.join(); delete Array.prototype[1]; r", "0,p,2");
}

BOOST_AUTO_TEST_CASE(search_and_iteration) {
  Fixture f;
  CHECK_JS("[1, 2, 3, 2].indexOf(2) + ',' + [1, 2, 3, 2].lastIndexOf(2)", "1,3");
  CHECK_JS("[NaN].indexOf(NaN) + ',' + [NaN].includes(NaN)", "-1,true");
  CHECK_JS("[1, , 3].includes(undefined) + ',' + [1, , 3].indexOf(undefined)", "true,-1");
  CHECK_JS("[1, 2, 3].map(x => x * x).join()", "1,4,9");
  CHECK_JS("[1, 2, 3, 4].filter(x => x % 2).join()", "1,3");
  CHECK_JS("[1, 2, 3].reduce((a, b) => a + b)", "6");
  CHECK_JS("['a', 'b', 'c'].reduceRight((a, b) => a + b, '')", "cba");
  CHECK_JS("try { [].reduce((a, b) => a) } catch (e) { e.message }", "Reduce of empty array with no initial value");
  CHECK_JS("[5, 12, 8].find(x => x > 6) + ',' + [5, 12, 8].findIndex(x => x > 6)", "12,1");
  CHECK_JS("[5, 12, 8].findLast(x => x > 6) + ',' + [5, 12, 8].findLastIndex(x => x > 100)", "8,-1");
  CHECK_JS("[1, 2].every(x => x > 0) + ',' + [1, 2].some(x => x > 1)", "true,true");
  CHECK_JS("var s = 0; [1, , 3].forEach(x => s += x); s", "4");
  CHECK_JS("[1, 2, 3].at(-1)", "3");
  CHECK_JS("try { [1].forEach(3) } catch (e) { e.message }", "3 is not a function");
}

BOOST_AUTO_TEST_CASE(sort_and_friends) {
  Fixture f;
  CHECK_JS("[3, 1, 10, 2].sort().join()", "1,10,2,3");
  CHECK_JS("[3, 1, 10, 2].sort((a, b) => a - b).join()", "1,2,3,10");
  CHECK_JS("var a = [3, undefined, , 1]; a.sort(); a.length + ':' + a[0] + a[1] + a[2] + ':' + (3 in a)",
           "4:13undefined:false");
  CHECK_JS("var r = []; for (var i = 0; i < 100; i++) r.push({k: i % 3, i}); "
           "r.sort((a, b) => a.k - b.k); r.every((x, j) => j == 0 || r[j-1].k < x.k || r[j-1].i < x.i)",
           "true");
  CHECK_JS("try { [2, 1].sort(() => { throw new Error('cmp') }) } catch (e) { e.message }", "cmp");
  CHECK_JS("try { [].sort(1) } catch (e) { e.name }", "TypeError");
  CHECK_JS("var a = [3, 2, 1]; var b = a.toSorted(); a.join() + ':' + b.join()", "3,2,1:1,2,3");
  CHECK_JS("[1, 2, 3].toReversed().join() + ':' + [1, 2, 3].with(1, 9).join()", "3,2,1:1,9,3");
  CHECK_JS("[1, 2, 3, 4].toSpliced(1, 2, 'a').join()", "1,a,4");
  CHECK_JS("[1, 2, 3].reverse().join()", "3,2,1");
  CHECK_JS("var a = ['b', 'a', 'c']; a.sort(); a.join('')", "abc");
}

BOOST_AUTO_TEST_CASE(concat_slice_flat_fill) {
  Fixture f;
  CHECK_JS("[1].concat([2, 3], 4, [[5]]).length", "5");
  CHECK_JS("var o = {length: 1, [Symbol.isConcatSpreadable]: true}; o[0] = 'x'; [].concat(o).join()", "x");
  CHECK_JS("[1, 2, 3, 4].slice(1, -1).join()", "2,3");
  CHECK_JS("[1, [2, [3, [4]]]].flat(Infinity).join()", "1,2,3,4");
  CHECK_JS("[1, [2, [3]]].flat().length", "3");
  CHECK_JS("[1, 2].flatMap(x => [x, x * 10]).join()", "1,10,2,20");
  CHECK_JS("new Array(3).fill(7).join()", "7,7,7");
  CHECK_JS("[1, 2, 3, 4, 5].copyWithin(0, 3).join()", "4,5,3,4,5");
  CHECK_JS("var d = []; for (var i = 0; i < 5000; i++) d = [d]; d.flat(Infinity).length", "0");
  CHECK_JS("[1, [2, 3]].toString()", "1,2,3");
  CHECK_JS("[null, undefined, 1].join()", ",,1");
}

BOOST_AUTO_TEST_CASE(array_iterators) {
  Fixture f;
  CHECK_JS("Array.prototype[Symbol.iterator] === Array.prototype.values", "true");
  CHECK_JS("var r = ''; for (var [k, v] of ['a', 'b'].entries()) r += k + v; r", "0a1b");
  CHECK_JS("[...['x', 'y'].keys()].join()", "0,1");
  CHECK_JS("Object.prototype.toString.call([][Symbol.iterator]())", "[object Array Iterator]");
  CHECK_JS("var it = [1].values(); it.next(); var d = it.next(); d.done + ',' + d.value", "true,undefined");
  CHECK_JS("Object.keys(Array.prototype[Symbol.unscopables]).length", "16");
}

BOOST_AUTO_TEST_CASE(array_buffer_and_data_view) {
  Fixture f;
  CHECK_JS("new ArrayBuffer(8).byteLength", "8");
  CHECK_JS("new ArrayBuffer(8).slice(2, 6).byteLength", "4");
  CHECK_JS("var b = new ArrayBuffer(2, {maxByteLength: 8}); b.resize(6); b.byteLength + ',' + b.resizable + ',' "
           "+ b.maxByteLength",
           "6,true,8");
  CHECK_JS("var b = new ArrayBuffer(4); var t = b.transfer(); b.detached + ',' + b.byteLength + ',' + t.byteLength",
           "true,0,4");
  CHECK_JS("var v = new DataView(new ArrayBuffer(4)); v.setUint16(0, 0x1234); v.getUint8(0) + ',' + v.getUint8(1)",
           "18,52");
  CHECK_JS("var v = new DataView(new ArrayBuffer(4)); v.setUint16(0, 0x1234, true); v.getUint8(0)", "52");
  CHECK_JS("var v = new DataView(new ArrayBuffer(8)); v.setFloat64(0, Math.PI); v.getFloat64(0) === Math.PI", "true");
  CHECK_JS("var v = new DataView(new ArrayBuffer(8)); v.setBigInt64(0, -5n); v.getBigInt64(0) + ',' + "
           "v.getBigUint64(0)",
           "-5,18446744073709551611");
  CHECK_JS("try { new DataView(new ArrayBuffer(2)).getInt32(0) } catch (e) { e.name }", "RangeError");
  CHECK_JS("try { ArrayBuffer(1) } catch (e) { e.message }", "Constructor ArrayBuffer requires 'new'");
  CHECK_JS("ArrayBuffer.isView(new DataView(new ArrayBuffer(1))) + ',' + ArrayBuffer.isView([])", "true,false");
}

BOOST_AUTO_TEST_CASE(typed_arrays) {
  Fixture f;
  CHECK_JS("var t = new Uint8Array([1, 2, 300]); t.join()", "1,2,44");
  CHECK_JS("new Uint8ClampedArray([300, -5, 1.5]).join()", "255,0,2");
  CHECK_JS("new Int8Array([200]).join()", "-56");
  CHECK_JS("var t = new Int16Array(4); t[1] = 7; t['-0'] = 9; t[1.5] = 3; t[10] = 1; "
           "t.join() + ':' + Object.keys(t).join() + ':' + t['-0'] + ':' + ('1.5' in t)",
           "0,7,0,0:0,1,2,3:undefined:false");
  CHECK_JS("var t = new Float64Array([3, 1, NaN, -0, 0, 2]); t.sort(); Array.from(t, x => Object.is(x, -0) ? '-0' : x).join()",
           "-0,0,1,2,3,NaN");
  CHECK_JS("var b = new ArrayBuffer(8); var u = new Uint32Array(b, 4); u[0] = 0xdeadbeef; new Uint8Array(b)[7]", "222");
  CHECK_JS("Object.getPrototypeOf(Int8Array) === Object.getPrototypeOf(Uint8Array)", "true");
  CHECK_JS("Int32Array.BYTES_PER_ELEMENT + ',' + new Float32Array(2).byteLength", "4,8");
  CHECK_JS("new Uint8Array([1, 2, 3, 4]).subarray(1, 3).join()", "2,3");
  CHECK_JS("new Uint8Array([1, 2, 3, 4]).slice(-2).join()", "3,4");
  CHECK_JS("new Int32Array([1, 2, 3]).map(x => x * 2).join()", "2,4,6");
  CHECK_JS("new Int32Array([1, 2, 3]).filter(x => x & 1).join()", "1,3");
  CHECK_JS("var t = new Uint8Array(4); t.set([1, 2], 1); t.set(new Uint8Array([9]), 3); t.join()", "0,1,2,9");
  CHECK_JS("Uint16Array.from([1, 2], x => x + 1).join() + ':' + Int8Array.of(5, 6).join()", "2,3:5,6");
  CHECK_JS("var b = new ArrayBuffer(4, {maxByteLength: 16}); var t = new Uint8Array(b); b.resize(8); t.length", "8");
  CHECK_JS("var t = new Uint8Array(4); t.buffer.transfer(); t.length + ',' + t[0]", "0,undefined");
  CHECK_JS("Object.prototype.toString.call(new BigInt64Array(1)) + new BigInt64Array([5n])[0]",
           "[object BigInt64Array]5");
  CHECK_JS("try { new BigInt64Array([1]) } catch (e) { e.name }", "TypeError");
  CHECK_JS("Uint8Array.prototype.toString === Array.prototype.toString", "true");
  CHECK_JS("[...new Uint8Array([5, 6]).entries()].join(';')", "0,5;1,6");
  CHECK_JS("try { new Uint8Array(2).at.call([]) } catch (e) { e.name }", "TypeError");
}
