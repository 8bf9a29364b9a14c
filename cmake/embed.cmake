# The embedding API (include/kiln/kiln.h, loader/embed.cpp): libkiln.so and
# libkiln.a, and the CMake package that gives a host project kiln::kiln
# (shared) and kiln::kiln_static after find_package(kiln).
#
# In this build: kiln::kiln is libkiln.so; kiln::kiln_static is kiln_embed,
# a static library whose dependencies (engine libraries, Cap'n Proto...)
# CMake links as usual. Installed: libkiln.a is the same code merged into one
# self-contained archive (the engine's libraries, and the static Cap'n Proto,
# kj and zstd when those were used), so a host links it with -lpthread only.

set(KILN_EMBED_SOURCES
  ${CMAKE_SOURCE_DIR}/loader/embed.cpp
  ${CMAKE_SOURCE_DIR}/loader/image_pages.cpp
  ${CMAKE_SOURCE_DIR}/loader/loader.cpp)
add_library(kiln_embed_objects OBJECT ${KILN_EMBED_SOURCES})
target_include_directories(kiln_embed_objects PUBLIC ${CMAKE_SOURCE_DIR}/include)
target_compile_definitions(kiln_embed_objects PRIVATE KILN_BUILDING_LIBRARY)
target_link_libraries(kiln_embed_objects PUBLIC kiln_engine kiln_image_objects)

# Static, for this build's tests and benchmarks.
add_library(kiln_embed STATIC $<TARGET_OBJECTS:kiln_embed_objects> $<TARGET_OBJECTS:kiln_builtins>)
target_include_directories(kiln_embed PUBLIC ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR})
target_link_libraries(kiln_embed PUBLIC kiln_engine kiln_image)
add_library(kiln::kiln_static ALIAS kiln_embed)

# Shared: Cap'n Proto, kj and zstd as shared libraries (their Debian static
# archives are not position independent).
pkg_check_modules(KILN_SHARED_DEPS REQUIRED IMPORTED_TARGET capnp kj libzstd)
add_library(kiln_embed_shared SHARED
  $<TARGET_OBJECTS:kiln_embed_objects> $<TARGET_OBJECTS:kiln_builtins> $<TARGET_OBJECTS:kiln_image_objects>)
set_target_properties(kiln_embed_shared PROPERTIES OUTPUT_NAME kiln VERSION ${PROJECT_VERSION} SOVERSION 0)
target_include_directories(kiln_embed_shared PUBLIC
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)
target_link_libraries(kiln_embed_shared PRIVATE kiln_engine PkgConfig::KILN_SHARED_DEPS)
# Only the kiln_* functions are exported (everything is compiled with hidden
# visibility); no undefined symbol may be left for the host to provide.
target_link_options(kiln_embed_shared PRIVATE -Wl,--no-undefined -Wl,--exclude-libs,ALL)
add_library(kiln::kiln ALIAS kiln_embed_shared)

# libkiln.a for installation: every archive kiln_embed needs, merged.
set(KILN_ARCHIVE ${CMAKE_BINARY_DIR}/libkiln.a)
set(KILN_ARCHIVE_PARTS $<TARGET_FILE:kiln_embed> $<TARGET_FILE:kiln_engine>)
get_property(KILN_COMPONENT_LIBS GLOBAL PROPERTY KILN_COMPONENTS)
foreach(lib ${KILN_COMPONENT_LIBS})
  list(APPEND KILN_ARCHIVE_PARTS $<TARGET_FILE:${lib}>)
endforeach()
list(APPEND KILN_ARCHIVE_PARTS $<TARGET_FILE:kiln_image>)
if(KILN_CAPNP_A AND KILN_KJ_A AND KILN_ZSTD_A AND KILN_IMAGE_STATIC_DEPS)
  list(APPEND KILN_ARCHIVE_PARTS ${KILN_CAPNP_A} ${KILN_KJ_A} ${KILN_ZSTD_A})
  set(KILN_STATIC_EXTRA_LIBS "Threads::Threads")
else()
  set(KILN_STATIC_EXTRA_LIBS "Threads::Threads;capnp;kj;zstd")
endif()
string(JOIN "|" KILN_ARCHIVE_PARTS_ARG ${KILN_ARCHIVE_PARTS})
add_custom_command(OUTPUT ${KILN_ARCHIVE}
  COMMAND ${CMAKE_COMMAND} -DOUT=${KILN_ARCHIVE} -DAR=${CMAKE_AR} "-DPARTS=${KILN_ARCHIVE_PARTS_ARG}"
          -P ${CMAKE_SOURCE_DIR}/cmake/merge_archives.cmake
  DEPENDS kiln_embed kiln_engine kiln_image ${KILN_COMPONENT_LIBS} ${CMAKE_SOURCE_DIR}/cmake/merge_archives.cmake
  COMMENT "Merging libkiln.a"
  VERBATIM)
add_custom_target(kiln_archive ALL DEPENDS ${KILN_ARCHIVE})

# Installation and the package config (find_package(kiln) -> kiln::kiln, kiln::kiln_static).
include(CMakePackageConfigHelpers)
configure_file(${CMAKE_SOURCE_DIR}/cmake/kilnConfig.cmake.in ${CMAKE_BINARY_DIR}/kilnConfig.cmake @ONLY)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/kilnConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(TARGETS kiln_embed_shared LIBRARY DESTINATION lib)
install(FILES ${KILN_ARCHIVE} DESTINATION lib)
install(FILES ${CMAKE_SOURCE_DIR}/include/kiln/kiln.h ${CMAKE_SOURCE_DIR}/include/kiln/kiln.hpp DESTINATION include/kiln)
install(FILES ${CMAKE_BINARY_DIR}/kilnConfig.cmake ${CMAKE_BINARY_DIR}/kilnConfigVersion.cmake
  DESTINATION lib/cmake/kiln)
