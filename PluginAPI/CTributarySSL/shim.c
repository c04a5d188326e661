#include "CTributarySSL.h"

int CTributarySSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

int CTributarySSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

int CTributarySSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

STACK_OF(X509) *CTributarySSL_sk_X509_new_null(void) { return sk_X509_new_null(); }

int CTributarySSL_sk_X509_push(STACK_OF(X509) *stack, X509 *certificate) { return sk_X509_push(stack, certificate); }

int CTributarySSL_sk_X509_num(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }

X509 *CTributarySSL_sk_X509_value(const STACK_OF(X509) *stack, int index) { return sk_X509_value(stack, index); }

void CTributarySSL_sk_X509_pop_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }

unsigned long CTributarySSL_XN_FLAG_RFC2253(void) { return XN_FLAG_RFC2253; }

void CTributarySSL_free(void *pointer) { OPENSSL_free(pointer); }

void CTributarySSL_CTX_full_handshakes_only(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
}

void CTributarySSL_CTX_release_buffers(SSL_CTX *ctx) { SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS); }

int CTributarySSL_set_fixed_mtu(SSL *ssl, long mtu) {
    SSL_set_options(ssl, SSL_OP_NO_QUERY_MTU);
    return (int)SSL_set_mtu(ssl, mtu);
}

int CTributarySSL_DTLSv1_handle_timeout(SSL *ssl) { return (int)DTLSv1_handle_timeout(ssl); }

void CTributarySSL_BIO_set_retry_read(BIO *bio) { BIO_set_retry_read(bio); }

void CTributarySSL_BIO_clear_retry_flags(BIO *bio) { BIO_clear_retry_flags(bio); }
