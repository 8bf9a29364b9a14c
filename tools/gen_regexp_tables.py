#!/usr/bin/env python3
# Generates engine/regexp_unicode_tables.cpp from the Unicode Character Database
# (Debian package unicode-data, /usr/share/unicode).
import re, sys
UCD = '/usr/share/unicode'
MAXCP = 0x10FFFF

def parse_ranges(path, want_field=1):
    out = {}
    for line in open(path, encoding='utf-8'):
        line = line.split('#', 1)[0].strip()
        if not line: continue
        f = [x.strip() for x in line.split(';')]
        cps = f[0]
        if '..' in cps:
            a, b = cps.split('..'); a, b = int(a, 16), int(b, 16)
        else:
            a = b = int(cps, 16)
        out.setdefault(f[want_field], []).append((a, b))
    return out

def normalize(rs):
    rs = sorted(rs); res = []
    for a, b in rs:
        if res and a <= res[-1][1] + 1:
            res[-1] = (res[-1][0], max(res[-1][1], b))
        else:
            res.append((a, b))
    return res

def complement(rs):
    res = []; nxt = 0
    for a, b in normalize(rs):
        if a > nxt: res.append((nxt, a - 1))
        nxt = b + 1
    if nxt <= MAXCP: res.append((nxt, MAXCP))
    return res

# --- UnicodeData: general category, simple uppercase
gc = {}
upper = {}
prev = None
for line in open(f'{UCD}/UnicodeData.txt', encoding='utf-8'):
    f = line.rstrip('\n').split(';')
    cp = int(f[0], 16); name = f[1]; cat = f[2]
    if name.endswith(', Last>'):
        gc.setdefault(cat, []).append((prev, cp))
        continue
    if name.endswith(', First>'):
        prev = cp
        continue
    gc.setdefault(cat, []).append((cp, cp))
    if f[12]: upper[cp] = int(f[12], 16)
assigned = normalize([r for v in gc.values() for r in v])
gc['Cn'] = complement(assigned)
for k in gc: gc[k] = normalize(gc[k])
groups = {'L': ['Lu','Ll','Lt','Lm','Lo'], 'LC': ['Lu','Ll','Lt'], 'M': ['Mn','Mc','Me'],
          'N': ['Nd','Nl','No'], 'P': ['Pc','Pd','Ps','Pe','Pi','Pf','Po'],
          'S': ['Sm','Sc','Sk','So'], 'Z': ['Zs','Zl','Zp'], 'C': ['Cc','Cf','Cs','Co','Cn']}
for g, members in groups.items():
    gc[g] = normalize([r for m in members for r in gc[m]])

# --- Full uppercase (SpecialCasing unconditional) for the legacy Canonicalize
special_upper = {}
for line in open(f'{UCD}/SpecialCasing.txt', encoding='utf-8'):
    line = line.split('#', 1)[0].strip()
    if not line: continue
    f = [x.strip() for x in line.split(';')]
    if len(f) >= 5 and f[4]: continue  # conditional mapping
    special_upper[int(f[0], 16)] = [int(x, 16) for x in f[3].split()]
legacy = []
for ch in range(0x10000):
    u = special_upper.get(ch, [upper.get(ch, ch)])
    if len(u) != 1: continue
    u = u[0]
    if u > 0xFFFF: continue
    if ch >= 128 and u < 128: continue
    if u != ch: legacy.append((ch, u))
legacy_map = dict(legacy)
for a, b in legacy:  # idempotence is relied upon by the class closure
    assert legacy_map.get(b, b) == b, hex(a)

# --- Simple case folding (C + S)
scf = []
for line in open(f'{UCD}/CaseFolding.txt', encoding='utf-8'):
    line = line.split('#', 1)[0].strip()
    if not line: continue
    f = [x.strip() for x in line.split(';')]
    if f[1] in ('C', 'S'): scf.append((int(f[0], 16), int(f[2], 16)))
scf.sort()
scf_map = dict(scf)
for a, b in scf: assert scf_map.get(b, b) == b

# --- Scripts and Script_Extensions
sc = {k: normalize(v) for k, v in parse_ranges(f'{UCD}/Scripts.txt').items()}
val_alias = {'gc': [], 'sc': []}
for line in open(f'{UCD}/PropertyValueAliases.txt', encoding='utf-8'):
    line = line.split('#', 1)[0].strip()
    if not line: continue
    f = [x.strip() for x in line.split(';')]
    if f[0] in val_alias: val_alias[f[0]].append(f[1:])
short_of_long = {}
for names in val_alias['sc']: short_of_long[names[1]] = names[0]
scx_raw = parse_ranges(f'{UCD}/ScriptExtensions.txt')
cp_scx = {}
for key, rs in scx_raw.items():
    for a, b in rs:
        for cp in range(a, b + 1): cp_scx[cp] = key.split()
scx = {}
for long, rs in sc.items():
    short = short_of_long[long]
    lst = []
    for a, b in rs:
        for cp in range(a, b + 1):
            if cp not in cp_scx: lst.append((cp, cp))
    scx[long] = lst
for cp, shorts in cp_scx.items():
    for s in shorts:
        long = [n[1] for n in val_alias['sc'] if n[0] == s][0]
        scx.setdefault(long, []).append((cp, cp))
scx = {k: normalize(v) for k, v in scx.items()}
# Script=Unknown (Zzzz) is every code point no script lists.
sc['Unknown'] = complement([r for v in sc.values() for r in v])
scx['Unknown'] = sc['Unknown']

# --- Binary properties (ECMA-262 table "Binary Unicode property aliases")
binary_names = [
 ('ASCII',), ('ASCII_Hex_Digit','AHex'), ('Alphabetic','Alpha'), ('Any',), ('Assigned',),
 ('Bidi_Control','Bidi_C'), ('Bidi_Mirrored','Bidi_M'), ('Case_Ignorable','CI'), ('Cased',),
 ('Changes_When_Casefolded','CWCF'), ('Changes_When_Casemapped','CWCM'),
 ('Changes_When_Lowercased','CWL'), ('Changes_When_NFKC_Casefolded','CWKCF'),
 ('Changes_When_Titlecased','CWT'), ('Changes_When_Uppercased','CWU'), ('Dash',),
 ('Default_Ignorable_Code_Point','DI'), ('Deprecated','Dep'), ('Diacritic','Dia'), ('Emoji',),
 ('Emoji_Component','EComp'), ('Emoji_Modifier','EMod'), ('Emoji_Modifier_Base','EBase'),
 ('Emoji_Presentation','EPres'), ('Extended_Pictographic','ExtPict'), ('Extender','Ext'),
 ('Grapheme_Base','Gr_Base'), ('Grapheme_Extend','Gr_Ext'), ('Hex_Digit','Hex'),
 ('IDS_Binary_Operator','IDSB'), ('IDS_Trinary_Operator','IDST'), ('ID_Continue','IDC'),
 ('ID_Start','IDS'), ('Ideographic','Ideo'), ('Join_Control','Join_C'),
 ('Logical_Order_Exception','LOE'), ('Lowercase','Lower'), ('Math',),
 ('Noncharacter_Code_Point','NChar'), ('Pattern_Syntax','Pat_Syn'),
 ('Pattern_White_Space','Pat_WS'), ('Quotation_Mark','QMark'), ('Radical',),
 ('Regional_Indicator','RI'), ('Sentence_Terminal','STerm'), ('Soft_Dotted','SD'),
 ('Terminal_Punctuation','Term'), ('Unified_Ideograph','UIdeo'), ('Uppercase','Upper'),
 ('Variation_Selector','VS'), ('White_Space','space'), ('XID_Continue','XIDC'),
 ('XID_Start','XIDS')]
binsrc = {}
for fn in ['PropList.txt', 'DerivedCoreProperties.txt', 'emoji/emoji-data.txt',
           'DerivedNormalizationProps.txt', 'extracted/DerivedBinaryProperties.txt']:
    for k, v in parse_ranges(f'{UCD}/{fn}').items():
        binsrc.setdefault(k, []).extend(v)
binsrc['ASCII'] = [(0, 0x7F)]
binsrc['Any'] = [(0, MAXCP)]
binsrc['Assigned'] = assigned
for n in binary_names:
    assert n[0] in binsrc, n

# --- Properties of strings (v flag), from emoji-sequences.txt and the
# fully-qualified ZWJ sequences of emoji-test.txt.
string_props = {}
for line in open(f'{UCD}/emoji/emoji-sequences.txt', encoding='utf-8'):
    line = line.split('#', 1)[0].strip()
    if not line: continue
    f = [x.strip() for x in line.split(';')]
    if '..' in f[0]:
        a, b = f[0].split('..')
        seqs = [[cp] for cp in range(int(a, 16), int(b, 16) + 1)]
    else:
        seqs = [[int(x, 16) for x in f[0].split()]]
    string_props.setdefault(f[1], []).extend(seqs)
zwj = []
for line in open(f'{UCD}/emoji/emoji-test.txt', encoding='utf-8'):
    line = line.split('#', 1)[0].strip()
    if not line: continue
    f = [x.strip() for x in line.split(';')]
    cps = [int(x, 16) for x in f[0].split()]
    if f[1] == 'fully-qualified' and 0x200D in cps: zwj.append(cps)
string_props['RGI_Emoji_ZWJ_Sequence'] = zwj
string_props['RGI_Emoji'] = [s for k in sorted(string_props) for s in string_props[k]]
for k in string_props:
    string_props[k] = sorted(set(tuple(x) for x in string_props[k]))

# --- Emit
ranges = []
def add(rs):
    off = len(ranges); ranges.extend(rs); return (off, len(rs))
out = []
w = out.append
w('// Generated by gen_regexp_tables.py from the Unicode %s Character Database\n' % open(f'{UCD}/ReadMe.txt').read().split('Version ')[1].split()[0] if 'Version ' in open(f'{UCD}/ReadMe.txt').read() else '// Generated from the Unicode Character Database\n')
w('// (Debian unicode-data, /usr/share/unicode). Do not edit by hand.\n')
w('// Case mappings for RegExp Canonicalize (ECMA-262 §22.2.2.7.3) and the\n')
w('// code point sets of the property escapes \\p{...} (§22.2.2.9).\n')
w('#include "engine/regexp.h"\n\nnamespace kiln::regexp::tables {\nnamespace {\n\n')
def emit_pairs(name, pairs):
    w(f'const CaseMapping {name}[] = {{\n')
    for i in range(0, len(pairs), 6):
        w('  ' + ' '.join('{0x%X, 0x%X},' % p for p in pairs[i:i+6]) + '\n')
    w('};\n\n')
emit_pairs('kSimpleCaseFolding', scf)
emit_pairs('kLegacyUppercase', legacy)
gc_entries = []
for names in val_alias['gc']:
    short = names[0]
    if short not in gc: continue
    off, cnt = add(gc[short])
    for n in names: gc_entries.append((n, off, cnt))
sc_entries = []
for names in val_alias['sc']:
    long = names[1]
    if long not in sc: continue
    off, cnt = add(sc[long]); off2, cnt2 = add(scx[long])
    for n in names: sc_entries.append((n, off, cnt, off2, cnt2))
bin_entries = []
for names in binary_names:
    off, cnt = add(normalize(binsrc[names[0]]))
    for n in names: bin_entries.append((n, off, cnt))
w('const char32_t kRanges[] = {\n')
for i in range(0, len(ranges), 6):
    w('  ' + ' '.join('0x%X, 0x%X,' % p for p in ranges[i:i+6]) + '\n')
w('};\n\n')
w('const PropertyEntry kGeneralCategories[] = {\n')
for e in sorted(gc_entries): w('  {"%s", %d, %d, 0, 0},\n' % e)
w('};\n\nconst PropertyEntry kScripts[] = {\n')
for e in sorted(sc_entries): w('  {"%s", %d, %d, %d, %d},\n' % e)
w('};\n\nconst PropertyEntry kBinaryProperties[] = {\n')
for e in sorted(bin_entries): w('  {"%s", %d, %d, 0, 0},\n' % e)
w('};\n\n')
string_data = []
string_entries = []
for name in sorted(string_props):
    off = len(string_data)
    for seq in string_props[name]:
        string_data.append(len(seq)); string_data.extend(seq)
    string_entries.append((name, off, len(string_data) - off))
w('// Each string: its length, then its code points.\nconst char32_t kStringData[] = {\n')
for i in range(0, len(string_data), 12):
    w('  ' + ' '.join('0x%X,' % x for x in string_data[i:i+12]) + '\n')
w('};\n\nconst PropertyEntry kStringProperties[] = {\n')
for e in string_entries: w('  {"%s", %d, %d, 0, 0},\n' % e)
w('};\n\n}  // namespace\n\n')
w('''std::span<const CaseMapping> simpleCaseFolding() { return kSimpleCaseFolding; }
std::span<const CaseMapping> legacyUppercase() { return kLegacyUppercase; }
std::span<const char32_t> propertyRanges() { return kRanges; }
std::span<const PropertyEntry> generalCategories() { return kGeneralCategories; }
std::span<const PropertyEntry> scripts() { return kScripts; }
std::span<const PropertyEntry> binaryProperties() { return kBinaryProperties; }
std::span<const char32_t> stringData() { return kStringData; }
std::span<const PropertyEntry> stringProperties() { return kStringProperties; }

}  // namespace kiln::regexp::tables
''')
open(sys.argv[1], 'w').write(''.join(out))
print(len(ranges), len(scf), len(legacy))
