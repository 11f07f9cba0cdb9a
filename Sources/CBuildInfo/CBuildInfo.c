#include "CBuildInfo.h"

/* scripts/stamp-build-info.sh writes this header (version, git revision, Swift version) before each
   scripted build. A plain `swift build` without it reports "unknown". */
#if __has_include("../../.build/build-info.h")
#include "../../.build/build-info.h"
#endif

#ifndef PUE_VERSION
#define PUE_VERSION "unknown"
#endif
#ifndef PUE_REVISION
#define PUE_REVISION "unknown"
#endif
#ifndef PUE_SWIFT_VERSION
#define PUE_SWIFT_VERSION "unknown"
#endif

const char *pue_build_version(void) { return PUE_VERSION; }
const char *pue_build_revision(void) { return PUE_REVISION; }
const char *pue_build_swift_version(void) { return PUE_SWIFT_VERSION; }
