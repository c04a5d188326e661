/* What Swift cannot import directly from Linux, glibc or the toolchain, as real functions.
 * Never define _GNU_SOURCE here: it would change glibc's types under Swift's Glibc module. */
#ifndef CTRIBUTARY_LINUX_H
#define CTRIBUTARY_LINUX_H

/* The identity of the compiler toolchain this module was built with (the bundled clang's full
 * version, which names the LLVM commit of the Swift toolchain). Swift has no ABI stability on
 * Linux, so a Swift plugin must report the same identity as the host that loads it. */
const char *CTributaryLinux_toolchain_id(void);

/* Linux event APIs that Glibc's Swift module does not export. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

/* accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC; it needs _GNU_SOURCE, which only the .c file sets.
 * Returns the new descriptor or -1 with errno set. */
int CTributaryLinux_accept4(int listener, struct sockaddr *address, socklen_t *length);

#endif
