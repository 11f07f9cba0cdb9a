#ifndef CBUILDINFO_H
#define CBUILDINFO_H
/* Build facts of this binary: version (the file VERSION), git revision and Swift version (see
   scripts/stamp-build-info.sh). */
const char *pue_build_version(void);
const char *pue_build_revision(void);
const char *pue_build_swift_version(void);
#endif
