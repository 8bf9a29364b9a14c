/* Calls add(2, 40) and bump() twice with a reset between them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kiln/kiln.h>

static int expect(kiln_runtime *rt, const char *fn, const char *args, const char *want) {
  kiln_result r = kiln_execute(rt, fn, args, 1000);
  int ok = r.status == KILN_OK && strcmp(r.json, want) == 0;
  printf("%s%s -> %s %s\n", fn, args, kiln_status_name(r.status), r.json ? r.json : "");
  kiln_result_free(&r);
  return ok;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: host IMAGE\n");
    return 2;
  }
  kiln_config config;
  memset(&config, 0, sizeof config);
  config.image_path = argv[1];
  char *error = NULL;
  kiln_runtime *rt = kiln_init(&config, &error);
  if (!rt) {
    fprintf(stderr, "%s\n", error);
    free(error);
    return 1;
  }
  int ok = expect(rt, "add", "[2, 40]", "42");
  ok &= kiln_reset(rt) == KILN_OK;
  ok &= expect(rt, "bump", "[]", "1");
  ok &= kiln_reset(rt) == KILN_OK;
  ok &= expect(rt, "bump", "[]", "1");
  printf("kiln %s: %s\n", kiln_version(), ok ? "ok" : "FAILED");
  kiln_shutdown(rt);
  return ok ? 0 : 1;
}
