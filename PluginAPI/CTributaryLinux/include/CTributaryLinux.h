/* What Swift cannot import directly from Linux, glibc or the toolchain, as real functions.
 * Never define _GNU_SOURCE here: it would change glibc's types under Swift's Glibc module. */
#ifndef CTRIBUTARY_LINUX_H
#define CTRIBUTARY_LINUX_H

/* The identity of the compiler toolchain this module was built with (the bundled clang's full
 * version, which names the LLVM commit of the Swift toolchain). Swift has no ABI stability on
 * Linux, so a Swift plugin must report the same identity as the host that loads it. */
const char *CTributaryLinux_toolchain_id(void);

#endif
