#define _GNU_SOURCE
#include "CRelocations.h"

#include <link.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int release_object(struct dl_phdr_info *object, size_t size, void *released) {
    (void)size;
    /* The vDSO is the kernel's, not a file's. */
    if (strstr(object->dlpi_name, "linux-vdso") != NULL) return 0;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    for (ElfW(Half) index = 0; index < object->dlpi_phnum; index++) {
        const ElfW(Phdr) *segment = &object->dlpi_phdr[index];
        /* Only segments never written: a writable one holds relocated data (RELRO included). */
        if (segment->p_type != PT_LOAD || (segment->p_flags & PF_W) != 0) continue;
        uintptr_t start = (object->dlpi_addr + segment->p_vaddr) & ~(page - 1);
        uintptr_t end = (object->dlpi_addr + segment->p_vaddr + segment->p_filesz) & ~(page - 1);
        if (end > start && madvise((void *)start, end - start, MADV_DONTNEED) == 0) {
            *(size_t *)released += end - start;
        }
    }
    return 0;
}

size_t pue_release_read_only_pages(void) {
    size_t released = 0;
    dl_iterate_phdr(release_object, &released);
    return released;
}
