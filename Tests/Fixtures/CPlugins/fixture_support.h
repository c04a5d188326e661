/*
 * fixture_support.h -- the helpers the C test fixtures in this directory share.
 *
 * It is header-only (static inline functions and one macro) so that every fixture still builds
 * from its single .c file with the same `cc ... -I PluginAPI/CTributary/include FILE.c` line: a
 * quoted include is found next to the source. Only the fixtures use it; the examples in
 * PluginAPI/Examples stay written against tributary.h alone, as a third party would write them.
 *
 * Include it FIRST, before any system header: the fixtures use POSIX.1-2008 (clock_gettime,
 * strerror_r, O_CLOEXEC, pthread_condattr_setclock), which -std=c11 hides, and a feature-test
 * macro only counts when it is defined before the first system header.
 */
#ifndef TRIBUTARY_FIXTURE_SUPPORT_H
#define TRIBUTARY_FIXTURE_SUPPORT_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tributary.h"

#ifndef CLOCK_MONOTONIC
#error "include fixture_support.h before any system header (it must select POSIX.1-2008 first)"
#endif

/* ---- configuration ------------------------------------------------------------------------ */

/* Writes the one-line reason the host prints next to the drop-in file name, cut to `capacity`
 * (the host may pass no buffer, then only the status counts). Returns TRIB_ERR_CONFIG so that a
 * configuration check reads `return refuse(...)`; a caller failing for another reason ignores
 * the value and returns its own status. */
__attribute__((format(printf, 3, 4)))
static inline trib_type_status refuse(char *error, size_t capacity, const char *format, ...) {
    va_list args;
    va_start(args, format);
    if (error != NULL && capacity > 0)
        vsnprintf(error, capacity, format, args);
    va_end(args);
    return TRIB_ERR_CONFIG;
}

/* Refuses a key the fixture does not know: "line N: unknown key 'K'" (tests match on it). The
 * key is cut at 100 bytes so that a huge one cannot push the line number out of the message. */
static inline trib_type_status refuse_unknown_key(char *error, size_t capacity, const trib_type_config_item *item) {
    int len = item->key.len > 100 ? 100 : (int)item->key.len;
    return refuse(error, capacity, "line %u: unknown key '%.*s'", item->line, len,
                  len > 0 ? (const char *)item->key.ptr : "");
}

/* Keys and values arrive as counted bytes, not C strings: compare against a literal. */
static inline int key_is(trib_type_host_buffer key, const char *name) {
    size_t n = strlen(name);
    return key.len == n && memcmp(key.ptr, name, n) == 0;
}

/* The same comparison, named for a value (an enum-like string) so that call sites read right. */
static inline int text_is(trib_type_host_buffer text, const char *s) { return key_is(text, s); }

/* A NUL-terminated heap copy of `len` bytes, or NULL when out of memory. The configuration is
 * only lent until on_instance_new returns, and what is kept is often a file name for open().
 * `bytes` may be NULL when `len` is 0 (an absent optional key). */
static inline char *copy_text(const void *bytes, size_t len) {
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return NULL;
    if (len > 0)
        memcpy(copy, bytes, len);
    copy[len] = '\0';
    return copy;
}

/* ---- host services ------------------------------------------------------------------------ */

/* A NUL-terminated string lent to the host (metric names and help, attribute names); the host
 * copies it before the call returns. */
static inline trib_type_plugin_buffer plugin_text(const char *s) {
    return (trib_type_plugin_buffer){(const uint8_t *)s, strlen(s)};
}

/* trib_host_log takes bytes, not a format: format into a line on the stack (cut at 255 bytes,
 * enough for a fixture's messages) and hand that over. */
__attribute__((format(printf, 4, 5)))
static inline void log_line(const trib_type_host_api *host, trib_type_instance_host_ptr ih, trib_type_log_level level,
                            const char *format, ...) {
    char line[256];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line, sizeof line, format, args);
    va_end(args);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    host->log(ih, level, (trib_type_plugin_buffer){(const uint8_t *)line, len});
}

/* ---- files and time ----------------------------------------------------------------------- */

/* write() may take fewer bytes than asked, or be interrupted by a signal; neither is an error.
 * Returns 0, or the errno value of the failure (EIO if write() made no progress). */
static inline int write_all(int fd, const void *bytes, size_t len) {
    const uint8_t *p = bytes;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* CLOCK_MONOTONIC in nanoseconds: due times and durations must not jump with the wall clock. */
static inline int64_t monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A monotonic_ns() time as the absolute timeout of pthread_cond_timedwait on a condition
 * variable set to CLOCK_MONOTONIC. */
static inline struct timespec timespec_of_ns(int64_t ns) {
    return (struct timespec){.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
}

/* on_instance_drain's deadline (Unix milliseconds, wall clock) as the absolute timeout of
 * pthread_cond_timedwait on a default (CLOCK_REALTIME) condition variable. */
static inline struct timespec timespec_of_unix_ms(int64_t unix_ms) {
    return (struct timespec){.tv_sec = unix_ms / 1000, .tv_nsec = (unix_ms % 1000) * 1000000};
}

/* ---- entry point -------------------------------------------------------------------------- */

/* Every fixture but no_entry defines its entry. Declared here so that the compiler checks each
 * definition against the ABI's type, also the few written by hand (bad_abi_major skips the
 * check on purpose, minor_probe asks for its own minor). */
trib_type_status trib_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor,
                                   const trib_type_plugin_descriptor **out_descriptor);
_Static_assert(_Generic(&trib_plugin_entry, trib_on_plugin_entry_fn: 1, default: 0),
               "trib_plugin_entry must be a trib_on_plugin_entry_fn");

/* The ordinary handshake (tributary.h's TRIB_PLUGIN_ENTRY): use it once, at file scope, without
 * a trailing semicolon. */
#define FIXTURE_ENTRY(descriptor) TRIB_PLUGIN_ENTRY(descriptor)

#endif /* TRIBUTARY_FIXTURE_SUPPORT_H */
