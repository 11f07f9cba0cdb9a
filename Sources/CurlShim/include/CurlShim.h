#ifndef CURL_SHIM_H
#define CURL_SHIM_H
/*
 * libcurl, loaded on first use with dlopen rather than linked: a host that never pushes never maps
 * libcurl and the ~30 libraries it pulls in (TLS, Kerberos, LDAP, ...), which would add about 6 MiB to the
 * exporter's resident memory. <curl/curl.h> (pkg-config libcurl, through the CCurl system-library target)
 * gives the types; the functions come from libcurl.so.4 at run time.
 */
#include <curl/curl.h>

/* Loads libcurl once (thread-safe): NULL on success, else why it could not be loaded. The functions below
   may be called only after a successful load. */
const char *ccurl_load(void);

CURL *ccurl_easy_init(void);
void ccurl_easy_cleanup(CURL *handle);
CURLcode ccurl_easy_perform(CURL *handle);
const char *ccurl_easy_strerror(CURLcode code);
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *text);
void ccurl_slist_free_all(struct curl_slist *list);

/* curl_easy_setopt and curl_easy_getinfo are C variadics, which Swift cannot call: typed wrappers. */
CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_setopt_list(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ccurl_setopt_write_function(CURL *handle, curl_write_callback function);
CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);

/* Macros built from casts and shifts are not imported by Swift: constants instead. */
static const long CCURL_AUTH_BASIC = (long)CURLAUTH_BASIC;
#endif
