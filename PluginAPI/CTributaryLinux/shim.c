#define _GNU_SOURCE
#include <sys/socket.h>

#include "CTributaryLinux.h"

const char *CTributaryLinux_toolchain_id(void) {
    return "swift clang " __clang_version__;
}

int CTributaryLinux_accept4(int listener, struct sockaddr *address, socklen_t *length) {
    return accept4(listener, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
