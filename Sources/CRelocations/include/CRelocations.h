#ifndef CRELOCATIONS_H
#define CRELOCATIONS_H
#include <stddef.h>

/* Drops from the resident set the pages of this executable's relocation table (DT_RELA), which the loader
   read once, before main, and nothing reads again. The release binary has about 65,000 relative
   relocations (1.5 MB) since it has no packed DT_RELR table, which would need glibc 2.36 (see
   docs/release.md). The pages are clean and file-backed: were anything to read them again, they would be
   read back from the file. Returns how many bytes were dropped (0 without a table of a whole page). */
size_t pue_release_relocation_pages(void);
#endif
