/* OpenSSL 3 (Debian libssl-dev) as one Swift module. Macros and variadic functions Swift cannot
 * import are wrapped as real functions in CTributarySSL. */
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
