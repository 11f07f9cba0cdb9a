#define _GNU_SOURCE
#include <sched.h>

#include "CNamespaces.h"

int pue_enter_network_namespace(int fd) { return setns(fd, CLONE_NEWNET); }
