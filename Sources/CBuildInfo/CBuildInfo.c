#include "CBuildInfo.h"

#ifndef PUE_REVISION
#define PUE_REVISION "unknown"
#endif
#ifndef PUE_SWIFT_VERSION
#define PUE_SWIFT_VERSION "unknown"
#endif

const char *pue_build_revision(void) { return PUE_REVISION; }
const char *pue_build_swift_version(void) { return PUE_SWIFT_VERSION; }
