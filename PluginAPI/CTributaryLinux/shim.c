#include "CTributaryLinux.h"

const char *CTributaryLinux_toolchain_id(void) {
    return "swift clang " __clang_version__;
}
