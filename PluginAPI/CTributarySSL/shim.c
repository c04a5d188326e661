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
