#ifndef CBUILDINFO_H
#define CBUILDINFO_H
/* Build facts defined by Package.swift (see buildInfoDefines). */
const char *pue_build_revision(void);
const char *pue_build_swift_version(void);
#endif
