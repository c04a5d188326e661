/* OpenSSL macros and variadic functions that Swift cannot import, as real functions. Each one is a
 * one-line wrapper; see the OpenSSL manual page of the wrapped macro for its contract. */
#ifndef CTRIBUTARY_SSL_H
#define CTRIBUTARY_SSL_H

#include <openssl/ssl.h>
#include <openssl/x509.h>

/* SSL_CTX_set_min_proto_version / SSL_CTX_set_max_proto_version (macros). Return 1 on success. */
int CTributarySSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version);
int CTributarySSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version);

/* SSL_set_tlsext_host_name (macro): the SNI name a client sends. Returns 1 on success. */
int CTributarySSL_set_tlsext_host_name(SSL *ssl, const char *name);

/* sk_X509_new_null / sk_X509_push / sk_X509_num / sk_X509_value / sk_X509_pop_free (macros). */
STACK_OF(X509) *CTributarySSL_sk_X509_new_null(void);
int CTributarySSL_sk_X509_push(STACK_OF(X509) *stack, X509 *certificate);
int CTributarySSL_sk_X509_num(const STACK_OF(X509) *stack);
X509 *CTributarySSL_sk_X509_value(const STACK_OF(X509) *stack, int index);
void CTributarySSL_sk_X509_pop_free(STACK_OF(X509) *stack);

/* XN_FLAG_RFC2253 (a macro of macros): the X509_NAME_print_ex flags of RFC 2253 output. */
unsigned long CTributarySSL_XN_FLAG_RFC2253(void);

/* OPENSSL_free (macro). */
void CTributarySSL_free(void *pointer);

#endif
