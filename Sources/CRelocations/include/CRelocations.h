#ifndef CRELOCATIONS_H
#define CRELOCATIONS_H
#include <stddef.h>

/* Drops from the resident set the pages of this executable's relocation table (DT_RELA), which the loader
   read once, before main, and nothing reads again. The release binary has about 65,000 relative
   relocations (1.5 MB) since it has no packed DT_RELR table, which would need glibc 2.36 (see
   docs/release.md). The pages are clean and file-backed: were anything to read them again, they would be
   read back from the file. Returns how many bytes were dropped (0 without a table of a whole page). */
size_t pue_release_relocation_pages(void);

/* Drops from the resident set every page of the segments that are never written (code and read-only
   data) of this executable and the libraries loaded, so that what stays resident is what runs after
   start-up: start-up runs code spread over
   the whole binary (argument parsing, the registry, the server's set-up), and the kernel maps the cached
   pages around each page a fault touches (fault-around), which kept 6.4 MiB of the 15 MiB of code
   resident before the first scrape. The pages are clean and file-backed, shared with the page cache: what
   runs again is mapped again from it. Writable segments (relocated data, RELRO), the vDSO and objects with
   text relocations are left alone. Returns how many bytes were dropped. */
size_t pue_release_read_only_pages(void);
#endif
