#ifndef BULKOPS_CLIBCRYPTO_SHIM_H
#define BULKOPS_CLIBCRYPTO_SHIM_H
#include <openssl/sha.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>
#endif
