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

/* DTLS servers (macros and SSL_OP_* bits). */
/* SSL_CTX_set_options(NO_TICKET | NO_RENEGOTIATION) and SSL_CTX_set_session_cache_mode(OFF):
 * every DTLS session runs a full handshake, so its PSK identity or certificate is always seen. */
void CTributarySSL_CTX_full_handshakes_only(SSL_CTX *ctx);
/* SSL_CTX_set_mode(SSL_MODE_RELEASE_BUFFERS): idle sessions give their record buffers back. */
void CTributarySSL_CTX_release_buffers(SSL_CTX *ctx);
/* SSL_set_options(SSL_OP_NO_QUERY_MTU) then SSL_set_mtu: records sized for `mtu` without asking
 * the BIO. Returns 1 on success. */
int CTributarySSL_set_fixed_mtu(SSL *ssl, long mtu);
/* DTLSv1_handle_timeout: retransmits the last flight when its timer expired. Returns 1 if it
 * did, 0 if not due, -1 on failure (the handshake gave up). */
int CTributarySSL_DTLSv1_handle_timeout(SSL *ssl);
/* BIO_set_retry_read / BIO_clear_retry_flags. */
void CTributarySSL_BIO_set_retry_read(BIO *bio);
void CTributarySSL_BIO_clear_retry_flags(BIO *bio);

/* OPENSSL_free (macro). */
void CTributarySSL_free(void *pointer);

#endif
