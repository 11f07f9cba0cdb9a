#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
/* libcurl's header only: the library itself is loaded at run time by the CurlShim target. */
#include <curl/curl.h>
#endif
