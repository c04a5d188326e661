/* libcrypt (Debian libcrypt-dev): crypt_r for bcrypt ($2b$) and sha512-crypt ($6$) hashes. */
#include <crypt.h>
