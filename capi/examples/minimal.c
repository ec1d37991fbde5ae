/* A minimal host of the Continuity C ABI: an engine from a bundle file, Site A
 * active, then its SIP Server lost at 12 s; every deadline is handled on time
 * and every output printed as a trace line. Usage: minimal [BUNDLE.json] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include "continuity.h"

static ContinuityCode check(ContinuityCode code, const char *call) {
    if (code < 0) { /* a failure: say which call, and what the library says */
        fprintf(stderr, "%s: %s: %s\n", call, continuity_code_name(code), continuity_last_error());
        exit(EXIT_FAILURE);
    }
    return code; /* CONTINUITY_CODE_OK, or CONTINUITY_CODE_NONE: nothing to return */
}

static void drain(ContinuityEngine *engine) { /* print every output waiting, with its time */
    uint64_t at;
    char *json;
    while (check(continuity_engine_poll_output(engine, &json, &at), "poll_output") == CONTINUITY_CODE_OK) {
        printf("{\"at\": %" PRIu64 ", \"output\": %s}\n", at, json);
        continuity_string_free(json);
    }
}

/* Handles every deadline due by `at`, each at its time, then `input` (if any) at `at`. */
static void feed(ContinuityEngine *engine, uint64_t at, const char *input) {
    uint64_t deadline;
    while (check(continuity_engine_poll_timeout(engine, &deadline), "poll_timeout") == CONTINUITY_CODE_OK
           && deadline <= at) {
        check(continuity_engine_handle_timeout(engine, deadline), "handle_timeout");
        drain(engine);
    }
    if (input != NULL) check(continuity_engine_handle(engine, input, at, NULL), "continuity_engine_handle");
    drain(engine);
}

static char *read_bundle(const char *path) {
    static char text[1 << 20]; /* 1 MiB: plenty for one desktop's bundle */
    FILE *file = fopen(path, "rb");
    size_t size = file != NULL ? fread(text, 1, sizeof text - 1, file) : 0;
    if (file == NULL || ferror(file) || !feof(file)) {
        fprintf(stderr, "cannot read the bundle %s (or it is over 1 MiB)\n", path);
        exit(EXIT_FAILURE);
    }
    fclose(file);
    text[size] = '\0';
    return text;
}

#define LINK(verb, service) "{\"type\":\"link_" verb "\",\"site\":\"SiteA\",\"service\":\"" \
    service "\",\"member\":\"primary\"}"

int main(int argc, char **argv) {
    ContinuityEngine *engine = NULL;
    const char *path = argc > 1 ? argv[1] : "examples/bundles/workspace.json";
    check(continuity_engine_new(read_bundle(path), 7, &engine), "continuity_engine_new");
    feed(engine, 0, "{\"type\":\"start\"}");
    feed(engine, 100, LINK("up", "sip-server"));
    feed(engine, 100, LINK("up", "stat-server"));
    feed(engine, 100, LINK("up", "config-server"));
    feed(engine, 200, "{\"type\":\"endpoint_registered\",\"site\":\"SiteA\"}");
    feed(engine, 12000, LINK("down", "sip-server"));
    feed(engine, 90000, NULL); /* the switch to Site B falls due at 72 s */
    continuity_engine_free(engine);
    return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
