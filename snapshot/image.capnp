# The manifest of a kiln image (DESIGN §6, snapshot/image_file.h).
#
# One message per image file, right after the 64-byte preamble. It describes
# everything but the heaps, which follow it as raw or zstd sections at
# page-aligned offsets (HeapSection). Cold data (source text, assets) is held
# here as per-blob zstd frames (Blob) and inflated only when asked for.
#
# Evolving the schema: add fields at the end with new ordinals; a change the
# reader of an older kiln cannot ignore bumps kFormatVersion instead.

@0xcd2911cd1e110cc0;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("kiln::image::schema");

struct Manifest {
  header @0 :Header;
  entries @1 :List(Entry);
  sources @2 :List(Blob);    # --source-map: name is the module path
  assets @3 :List(Blob);     # --embed-assets: name is the '/'-separated relative path
  stats @4 :List(Stat);      # build statistics, in the order the compiler reported them
}

struct Header {
  formatVersion @0 :UInt32;      # equals the preamble's; kept here for inspect
  engineVersion @1 :Text;
  platform @2 :Text;             # "linux-x86_64", ...
  nativesFingerprint @3 :UInt64;
  flags @4 :UInt32;              # kFlag* in image_file.h
  heapCompression @5 :Compression;
}

enum Compression {
  zstd @0;
  none @1;
}

# Where one entry's heap lies in the file. Offsets are from the start of the
# image (not of the executable it may be bundled into).
struct HeapSection {
  offset @0 :UInt64;        # a multiple of kHeapAlignment
  storedBytes @1 :UInt64;   # bytes in the file
  rawBytes @2 :UInt64;      # bytes once decompressed (== storedBytes when raw)
  compression @3 :Compression;
}

struct Entry {
  name @0 :Text;
  path @1 :Text;
  heapBase @2 :UInt32;           # cage offset the heap must be placed at
  heap @3 :HeapSection;
  roots @4 :List(UInt64);        # raw Value bits of the roots record
  patches @5 :List(Patch);
  modules @6 :List(Module);
  pause @7 :PausePoint;
  heapKinds @8 :List(KindStat);  # sorted as the writer received them
}

struct Patch {
  kind @0 :UInt32;   # defined by loader/loader.cpp
  ref @1 :UInt32;
  arg @2 :UInt32;
}

struct Module {
  path @0 :Text;
  preinitialized @1 :Bool;
  dependencies @2 :List(Text);
  exports @3 :List(Text);
}

struct PausePoint {
  kind @0 :Text;
  file @1 :Text;
  line @2 :UInt32;
  column @3 :UInt32;
  native @4 :Text;
  detail @5 :Text;
}

struct KindStat {
  kind @0 :Text;
  cells @1 :UInt64;
  bytes @2 :UInt64;
}

# A cold blob: zstd-compressed unless compression did not shrink it.
struct Blob {
  name @0 :Text;
  rawBytes @1 :UInt64;
  compression @2 :Compression;
  data @3 :Data;
}

struct Stat {
  name @0 :Text;
  value @1 :UInt64;
}
