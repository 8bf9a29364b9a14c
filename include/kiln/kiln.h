/* kiln embedding API: a fresh, initialized heap for every request.
 *
 * A host loads an image made by `kiln compile` once (kiln_init), then for
 * each request puts the heap back to the image's state (kiln_reset, a few
 * microseconds: the image's heap is mapped copy-on-write, and only the pages
 * the last request wrote are copied back; loader/image_pages.h) and calls an
 * export of the entry module (kiln_execute). Nothing of a request survives
 * the next reset: globals, module state, timers, pending promises.
 *
 *   kiln_config config = {0};
 *   config.image_path = "handler.kiln";
 *   char *error = NULL;
 *   kiln_runtime *rt = kiln_init(&config, &error);
 *   if (!rt) { fprintf(stderr, "%s\n", error); free(error); return 1; }
 *   for (each request) {
 *     kiln_reset(rt);
 *     kiln_result r = kiln_execute(rt, "handle", "[{\"id\":1}]", 100);
 *     ... r.status, r.json ...
 *     kiln_result_free(&r);
 *   }
 *   kiln_shutdown(rt);
 *
 * Threads: a runtime is used by one thread at a time; several runtimes may
 * run at once on several threads.
 *
 * Program state at kiln_init is the image's: if the build paused before the
 * entry module finished (its first effect, e.g. a console.log at top level,
 * or a top-level await on a timer), the first kiln_execute after each reset
 * finishes the module evaluation (running the event loop until the entry's
 * top-level await settles) before calling the export.
 */
#ifndef KILN_KILN_H
#define KILN_KILN_H

#include <stddef.h>
#include <stdint.h>

#if defined(KILN_BUILDING_LIBRARY) && defined(__GNUC__)
#define KILN_API __attribute__((visibility("default")))
#else
#define KILN_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kiln_runtime kiln_runtime;

typedef struct kiln_config {
  const char *image_path;   /* an image from `kiln compile`; or: */
  const void *image_bytes;  /*   the image in memory, with its size (copied by kiln_init) */
  size_t image_size;
  size_t max_heap_bytes;    /* 0: the default (2 GiB). Past it, JS sees a
                               RangeError; if the program cannot recover,
                               kiln_execute returns KILN_OUT_OF_MEMORY */
  /* Program output (console.log, process.stdout.write...), fd 1 or 2.
     NULL: the process's own standard output and error. */
  void (*write)(void *user, int fd, const char *data, size_t len);
  void *user;
  const char *entry;        /* which entry of a multi-entry image (kiln compile
                               --entry); NULL: the first */
} kiln_config;

typedef enum kiln_status {
  KILN_OK = 0,
  KILN_JS_EXCEPTION,   /* the export threw, or its promise was rejected */
  KILN_TIMEOUT,        /* timeout_ms passed; call kiln_reset before the next call */
  KILN_OUT_OF_MEMORY,  /* the heap limit, unrecoverable; call kiln_reset */
  KILN_BAD_ARGUMENT,   /* no such export, arguments not a JSON array, NULL runtime... */
  KILN_BAD_IMAGE       /* kiln_init: the image is refused (the error says why) */
} kiln_status;

typedef struct kiln_result {
  kiln_status status;
  /* KILN_OK: the value returned (or the promise's value) as JSON, as
     JSON.stringify makes it ("null" for undefined);
     KILN_JS_EXCEPTION: {"name":..,"message":..,"stack":..} (strings; the
     stack's positions are those of the TypeScript source; a thrown value
     that is not an object gives "name" and "stack" empty and the value as
     "message"; a promise that can never settle gives an "Error"; after
     process.exit() "name" is "ProcessExit", with an "exitCode" number);
     otherwise a JSON string explaining what happened. NUL-terminated. */
  char *json;
  size_t json_len;
} kiln_result;

/* Maps and validates the image once. NULL and *error (free it with free())
   on failure; error may be NULL. */
KILN_API kiln_runtime *kiln_init(const kiln_config *config, char **error);

/* Puts the heap back to the image's state. KILN_OK; KILN_BAD_ARGUMENT for
   a NULL runtime; KILN_BAD_IMAGE if the kernel refused to restore the image's
   pages (the runtime is then unusable: shut it down). */
KILN_API kiln_status kiln_reset(kiln_runtime *rt);

/* Calls the export `export_name` of the entry module with the elements of
   the JSON array `args_json_array` (NULL: no arguments) as arguments. An
   async export (or one returning a promise or thenable) runs the event loop
   until the promise settles. Then the nextTick and microtask queues run
   (a rejection nothing handled makes the call fail, as it ends a node
   process); timers still pending wait for the next call or are dropped by
   kiln_reset. timeout_ms: wall-clock limit of the call, 0 for none. */
KILN_API kiln_result kiln_execute(kiln_runtime *rt, const char *export_name, const char *args_json_array,
                                  uint32_t timeout_ms);

/* Frees result->json (and clears it). Safe on a zeroed result. */
KILN_API void kiln_result_free(kiln_result *result);

KILN_API void kiln_shutdown(kiln_runtime *rt);

/* "0.1.0": the engine version images are checked against. */
KILN_API const char *kiln_version(void);

/* The name of a status ("KILN_OK", ...). */
KILN_API const char *kiln_status_name(kiln_status status);

/* Memory of a runtime, in bytes. Walks the heap: not for every request. */
typedef struct kiln_memory_stats {
  size_t heap_committed_bytes; /* pages in use or kept for reuse, and the image */
  size_t heap_used_bytes;      /* bytes of live cells, the image's included, and
                                  the interpreter's stack (2 MiB reserved as one
                                  cell, resident only as far as it was used) */
  size_t heap_limit_bytes;
  size_t image_heap_bytes; /* the image's heap (mapped copy-on-write, shared) */
} kiln_memory_stats;
KILN_API kiln_status kiln_memory(kiln_runtime *rt, kiln_memory_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* KILN_KILN_H */
