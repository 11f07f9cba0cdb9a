#ifndef CRYPT_SHIM_H
#define CRYPT_SHIM_H
/*
 * libcrypt (libxcrypt), loaded on first use with dlopen rather than linked: libxcrypt is LGPL, and a host
 * without libcrypt.so.1 (a minimal image) must still start and serve; only basic authentication needs it.
 * <crypt.h> gives struct crypt_data; crypt_r comes from libcrypt.so.1 at run time.
 */
#include <crypt.h>

/* Loads libcrypt once (thread-safe): NULL on success, else why it could not be loaded. ccrypt_r may be
   called only after a successful load. */
const char *ccrypt_load(void);

/* libxcrypt's crypt_r: the hash of phrase with setting's method and salt, or NULL (or a "*" token). */
char *ccrypt_r(const char *phrase, const char *setting, struct crypt_data *data);
#endif
