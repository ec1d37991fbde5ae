/* run_scenario: a scenario runner written against the Continuity C ABI.
 *
 * It drives the engine exactly as `continuity simulate` does (README,
 * "Scenarios and traces") and prints the same trace, byte for byte: one line
 * {"at": N, "output": OUTPUT} per output, N being the engine's time.
 *
 * Usage: run_scenario BUNDLE.json SCRIPT
 *
 * BUNDLE.json is the bundle, with its options inline. SCRIPT is a scenario in
 * a line format, one directive per line (the Rust test capi/tests/c_program.rs
 * writes it from a JSON scenario):
 *
 *   seed N              the engine's seed (default 0)
 *   until N             fire deadlines up to N ms after the last step
 *                       (default: the time of the last step)
 *   input AT JSON       hand the input JSON (the rest of the line, one JSON
 *                       object on one line) to the engine at AT ms
 *   freeze AT UNTIL     the host is frozen from AT ms: no deadline fires
 *                       before UNTIL ms
 *   # ...               a comment; empty lines are ignored too
 *
 * Steps are processed in order. Before each step every deadline due by the
 * step's time is fired at its exact time (or at the end of a freeze), and
 * after the last step every deadline due by `until`. A stopped engine refuses
 * later inputs (CONTINUITY_CODE_STOPPED): they change nothing, as in the
 * scenario runner, so the run goes on.
 *
 * Exit status: 0 on success, 1 when an argument, a file or a call fails (the
 * reason on stderr). Plain C99 and the C library only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "continuity.h"

typedef struct {
    uint64_t at;
    const char *input;  /* the input JSON, or NULL for a freeze */
    uint64_t freeze_until;
} Step;

typedef struct {
    uint64_t seed;
    uint64_t until;
    Step *steps;
    size_t count;
} Script;

static void fail(const char *format, ...) {
    va_list args;
    fputs("run_scenario: ", stderr);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    exit(EXIT_FAILURE);
}

/* Returns `code` unless it is an error, which ends the run with the library's message. */
static ContinuityCode check(ContinuityCode code, const char *call) {
    if (code < 0) {
        fail("%s failed with %s: %s", call, continuity_code_name(code), continuity_last_error());
    }
    return code;
}

/* Reads a whole file into a NUL-terminated buffer the caller frees. */
static char *read_file(const char *path) {
    FILE *file = fopen(path, "rb");
    char *text = NULL;
    size_t size = 0, capacity = 0;
    if (file == NULL) fail("cannot open %s: %s", path, strerror(errno));
    for (;;) {
        if (capacity - size < 4096) {
            char *grown;
            capacity = capacity * 2 + 65536;
            grown = realloc(text, capacity);
            if (grown == NULL) fail("out of memory reading %s", path);
            text = grown;
        }
        size += fread(text + size, 1, capacity - size - 1, file);
        if (ferror(file)) fail("cannot read %s", path);
        if (feof(file)) break;
    }
    fclose(file);
    text[size] = '\0';
    return text;
}

/* Parses a decimal count of milliseconds (or a seed) at *cursor and moves past it. */
static uint64_t parse_number(char **cursor, const char *what, size_t line) {
    char *end;
    unsigned long long value;
    if (**cursor < '0' || **cursor > '9') fail("script line %zu: expected %s", line, what);
    errno = 0;
    value = strtoull(*cursor, &end, 10);
    if (errno != 0) fail("script line %zu: %s is too large", line, what);
    *cursor = end;
    while (**cursor == ' ') ++*cursor;
    return (uint64_t)value;
}

static void expect_end(const char *cursor, size_t line) {
    if (*cursor != '\0') fail("script line %zu: unexpected text \"%s\"", line, cursor);
}

/* Parses SCRIPT's text in place: the steps point into `text`. */
static Script parse_script(char *text) {
    Script script = {0, 0, NULL, 0};
    size_t capacity = 0, line = 0;
    int until_given = 0;
    uint64_t last = 0;
    char *next = text;
    while (next != NULL && *next != '\0') {
        char *cursor = next;
        char *newline = strchr(cursor, '\n');
        Step step = {0, NULL, 0};
        ++line;
        next = newline != NULL ? newline + 1 : NULL;
        if (newline != NULL) *newline = '\0';
        if (newline != NULL && newline > cursor && newline[-1] == '\r') newline[-1] = '\0';
        if (*cursor == '\0' || *cursor == '#') continue;
        if (strncmp(cursor, "seed ", 5) == 0) {
            cursor += 5;
            script.seed = parse_number(&cursor, "a seed", line);
            expect_end(cursor, line);
            continue;
        }
        if (strncmp(cursor, "until ", 6) == 0) {
            cursor += 6;
            script.until = parse_number(&cursor, "a time in ms", line);
            until_given = 1;
            expect_end(cursor, line);
            continue;
        }
        if (strncmp(cursor, "input ", 6) == 0) {
            cursor += 6;
            step.at = parse_number(&cursor, "a time in ms", line);
            if (*cursor != '{') fail("script line %zu: expected an input JSON object", line);
            step.input = cursor;
        } else if (strncmp(cursor, "freeze ", 7) == 0) {
            cursor += 7;
            step.at = parse_number(&cursor, "a time in ms", line);
            step.freeze_until = parse_number(&cursor, "the end of the freeze in ms", line);
            expect_end(cursor, line);
        } else {
            fail("script line %zu: unknown directive \"%s\" (seed, until, input, freeze)", line, cursor);
        }
        if (script.count == capacity) {
            Step *grown;
            capacity = capacity * 2 + 64;
            grown = realloc(script.steps, capacity * sizeof *grown);
            if (grown == NULL) fail("out of memory reading the script");
            script.steps = grown;
        }
        script.steps[script.count++] = step;
        if (step.at > last) last = step.at;
    }
    if (!until_given) script.until = last;
    return script;
}

static uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* Prints every output waiting, stamped with the time it was decided at. */
static void drain(ContinuityEngine *engine) {
    uint64_t at;
    char *json;
    while (check(continuity_engine_poll_output(engine, &json, &at), "continuity_engine_poll_output")
           == CONTINUITY_CODE_OK) {
        printf("{\"at\": %" PRIu64 ", \"output\": %s}\n", at, json);
        continuity_string_free(json);
    }
}

/* Fires every deadline due by `limit`, each at its exact time or at the end of a freeze. */
static void fire_deadlines(ContinuityEngine *engine, uint64_t limit, uint64_t frozen_until) {
    uint64_t deadline, now, at, again;
    while (check(continuity_engine_poll_timeout(engine, &deadline), "continuity_engine_poll_timeout")
           == CONTINUITY_CODE_OK) {
        check(continuity_engine_now(engine, &now), "continuity_engine_now");
        at = max_u64(max_u64(deadline, frozen_until), now);
        if (at > limit) return;
        check(continuity_engine_handle_timeout(engine, at), "continuity_engine_handle_timeout");
        drain(engine);
        if (check(continuity_engine_poll_timeout(engine, &again), "continuity_engine_poll_timeout")
                == CONTINUITY_CODE_OK
            && again == deadline && deadline <= at) {
            fail("the engine did not move its deadline past %" PRIu64 " ms (a bug in the engine)",
                 deadline);
        }
    }
}

int main(int argc, char **argv) {
    char *bundle, *text;
    Script script;
    ContinuityEngine *engine = NULL;
    ContinuityCode code;
    uint64_t frozen_until = 0;
    size_t i;
    if (argc != 3) {
        fprintf(stderr, "usage: run_scenario BUNDLE.json SCRIPT\n");
        return EXIT_FAILURE;
    }
    bundle = read_file(argv[1]);
    text = read_file(argv[2]);
    script = parse_script(text);
    check(continuity_engine_new(bundle, script.seed, &engine), "continuity_engine_new");
    free(bundle);
    for (i = 0; i < script.count; ++i) {
        const Step *step = &script.steps[i];
        fire_deadlines(engine, step->at, frozen_until);
        if (step->input == NULL) {
            frozen_until = max_u64(frozen_until, step->freeze_until);
            continue;
        }
        code = continuity_engine_handle(engine, step->input, step->at, NULL);
        if (code != CONTINUITY_CODE_STOPPED) check(code, "continuity_engine_handle");
        drain(engine);
    }
    fire_deadlines(engine, script.until, frozen_until);
    continuity_engine_free(engine);
    free(script.steps);
    free(text);
    if (fflush(stdout) != 0 || ferror(stdout)) fail("cannot write the trace: %s", strerror(errno));
    return EXIT_SUCCESS;
}
