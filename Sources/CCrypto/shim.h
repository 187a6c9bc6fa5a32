#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>

/// EVP_sha256 wrapped so that Swift sees a plain function returning the digest.
static inline const EVP_MD *ccrypto_sha256(void) { return EVP_sha256(); }
