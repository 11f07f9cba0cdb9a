#include "CryptShim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

static char *(*crypt_r_function)(const char *phrase, const char *setting, struct crypt_data *data);
static const char *load_error = "libcrypt was not loaded";
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *library = dlopen("libcrypt.so.1", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        load_error = dlerror();
        return;
    }
    *(void **)(&crypt_r_function) = dlsym(library, "crypt_r");
    load_error = crypt_r_function == NULL ? "libcrypt.so.1 lacks crypt_r" : NULL;
}

const char *ccrypt_load(void) {
    pthread_once(&load_once, load);
    return load_error;
}

char *ccrypt_r(const char *phrase, const char *setting, struct crypt_data *data) {
    return crypt_r_function(phrase, setting, data);
}
