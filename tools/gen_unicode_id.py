import re
props={'ID_Start':set(),'ID_Continue':set()}
for line in open('/usr/share/unicode/DerivedCoreProperties.txt'):
    line=line.split('#')[0].strip()
    if not line: continue
    rng,prop=[x.strip() for x in line.split(';')[:2]]
    if prop not in props: continue
    if '..' in rng: a,b=[int(x,16) for x in rng.split('..')]
    else: a=b=int(rng,16)
    props[prop].update(range(a,b+1))
def ranges(s):
    out=[];start=None;prev=None
    for cp in sorted(c for c in s if c>=0x80):
        if start is None: start=prev=cp
        elif cp==prev+1: prev=cp
        else: out.append((start,prev)); start=prev=cp
    if start is not None: out.append((start,prev))
    return out
def emit(name, rs):
    s = "const CodeRange %s[] = {\n" % name
    line="  "
    for a,b in rs:
        item="{0x%X, 0x%X}, " % (a,b)
        if len(line)+len(item)>100: s+=line.rstrip()+"\n"; line="  "
        line+=item
    s+=line.rstrip()+"\n};\n"
    return s
ver=open('/usr/share/unicode/DerivedCoreProperties.txt').readline().strip('# \n')
print("// Generated from %s (Debian unicode-data, /usr/share/unicode):" % ver)
print("// ID_Start and ID_Continue for code points >= 0x80, as sorted inclusive ranges.")
print('#include "engine/unicode.h"\n\n#include <algorithm>\n#include <iterator>\n\nnamespace kiln::unicode {\nnamespace {\n\nstruct CodeRange { char32_t first, last; };\n')
print(emit("kIdStart", ranges(props['ID_Start'])))
print(emit("kIdContinue", ranges(props['ID_Continue'])))
print("""template <size_t N>
bool inTable(const CodeRange (&table)[N], char32_t c) {
  auto it = std::upper_bound(std::begin(table), std::end(table), c,
                             [](char32_t v, const CodeRange& r) { return v < r.first; });
  return it != std::begin(table) && c <= (it - 1)->last;
}

}  // namespace

bool isIdStartSlow(char32_t c) { return inTable(kIdStart, c); }
bool isIdContinueSlow(char32_t c) { return inTable(kIdContinue, c); }

}  // namespace kiln::unicode""")
