#ifndef CNAMESPACES_H
#define CNAMESPACES_H

/// Moves the calling thread into the network namespace open as `fd` (`setns(fd, CLONE_NEWNET)`, which
/// Swift's Glibc module does not export). Returns 0, or -1 with errno set.
int pue_enter_network_namespace(int fd);

#endif
