# kiln_image: the image file layer (snapshot/image_file.h). Knows bytes,
# sections and the manifest; depends on Cap'n Proto, zstd and Boost headers,
# never on engine libraries.

# Not find_package(CapnProto): its config probes libatomic with a C test
# program, and kiln is a CXX-only project. The tools and libraries suffice.
find_program(CAPNP_EXECUTABLE capnp REQUIRED)
find_program(CAPNPC_CXX_EXECUTABLE capnpc-c++ REQUIRED)
find_path(CAPNP_INCLUDE_DIRECTORY capnp/c++.capnp REQUIRED)
find_package(Boost REQUIRED)  # headers only (Interprocess)
find_package(PkgConfig REQUIRED)

# Static Cap'n Proto, kj and zstd where they exist: kiln starts from an image
# in under a millisecond, and loading two more C++ shared libraries with their
# relocations would be a large part of that.
option(KILN_IMAGE_STATIC_DEPS "Link Cap'n Proto, kj and zstd statically" ON)
set(KILN_IMAGE_DEPS "")
if(KILN_IMAGE_STATIC_DEPS)
  find_library(KILN_CAPNP_A NAMES libcapnp.a)
  find_library(KILN_KJ_A NAMES libkj.a)
  find_library(KILN_ZSTD_A NAMES libzstd.a)
endif()
if(KILN_IMAGE_STATIC_DEPS AND KILN_CAPNP_A AND KILN_KJ_A AND KILN_ZSTD_A)
  find_package(Threads REQUIRED)
  set(KILN_IMAGE_DEPS ${KILN_CAPNP_A} ${KILN_KJ_A} ${KILN_ZSTD_A} Threads::Threads)
else()
  pkg_check_modules(KILN_IMAGE_PC REQUIRED IMPORTED_TARGET capnp kj libzstd)
  set(KILN_IMAGE_DEPS PkgConfig::KILN_IMAGE_PC)
endif()

# The manifest schema, compiled at build time into
# ${CMAKE_BINARY_DIR}/snapshot/image.capnp.{h,c++} ("snapshot/image.capnp.h").
set(KILN_IMAGE_SCHEMA ${CMAKE_SOURCE_DIR}/snapshot/image.capnp)
set(KILN_IMAGE_GEN ${CMAKE_BINARY_DIR}/snapshot/image.capnp.c++ ${CMAKE_BINARY_DIR}/snapshot/image.capnp.h)
add_custom_command(
  OUTPUT ${KILN_IMAGE_GEN}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/snapshot
  COMMAND ${CAPNP_EXECUTABLE} compile -o${CAPNPC_CXX_EXECUTABLE}:${CMAKE_BINARY_DIR}
          --src-prefix=${CMAKE_SOURCE_DIR} -I${CAPNP_INCLUDE_DIRECTORY} ${KILN_IMAGE_SCHEMA}
  DEPENDS ${KILN_IMAGE_SCHEMA}
  COMMENT "Compiling the image manifest schema"
  VERBATIM)

# The objects once, for two libraries: kiln_image (static, with static
# Cap'n Proto, kj and zstd where they exist) and libkiln.so (cmake/embed.cmake,
# which links the shared ones: Debian's static archives are not PIC).
add_library(kiln_image_objects OBJECT
  ${CMAKE_SOURCE_DIR}/snapshot/image_checksum.cpp
  ${CMAKE_SOURCE_DIR}/snapshot/image_writer.cpp
  ${CMAKE_SOURCE_DIR}/snapshot/bundle_writer.cpp
  ${CMAKE_SOURCE_DIR}/snapshot/inspect.cpp
  ${CMAKE_SOURCE_DIR}/loader/image_reader.cpp
  ${KILN_IMAGE_GEN})
# The build dir holds snapshot/image.capnp.h (tests craft manifests with it).
target_include_directories(kiln_image_objects PUBLIC ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
target_link_libraries(kiln_image_objects PUBLIC fmt::fmt-header-only PRIVATE Boost::headers)
add_library(kiln_image STATIC $<TARGET_OBJECTS:kiln_image_objects>)
target_include_directories(kiln_image PUBLIC ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
target_link_libraries(kiln_image PUBLIC fmt::fmt-header-only PRIVATE ${KILN_IMAGE_DEPS})
# The generated code is not ours to warn about.
set_source_files_properties(${CMAKE_BINARY_DIR}/snapshot/image.capnp.c++ PROPERTIES COMPILE_OPTIONS "-w")

# The reader's fuzz target (tests/fuzz): libFuzzer with clang and KILN_FUZZ=ON,
# otherwise a standalone driver run as the CTest test fuzz.image_reader.
option(KILN_FUZZ "Build fuzz targets with libFuzzer (needs clang)" OFF)
if(KILN_FUZZ AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  # Coverage and AddressSanitizer for the reader itself, not only the target.
  target_compile_options(kiln_image_objects PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
endif()
if(EXISTS ${CMAKE_SOURCE_DIR}/tests/fuzz/CMakeLists.txt)
  enable_testing()
  add_subdirectory(${CMAKE_SOURCE_DIR}/tests/fuzz ${CMAKE_BINARY_DIR}/tests/fuzz)
endif()
