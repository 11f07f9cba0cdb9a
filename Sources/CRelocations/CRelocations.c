#include "CRelocations.h"

#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

size_t pue_release_relocation_pages(void) {
    const ElfW(Phdr) *headers = (const ElfW(Phdr) *)getauxval(AT_PHDR);
    size_t count = getauxval(AT_PHNUM);
    if (headers == NULL) return 0;
    uintptr_t base = 0;
    const ElfW(Phdr) *dynamic = NULL;
    for (size_t index = 0; index < count; index++) {
        if (headers[index].p_type == PT_PHDR) base = (uintptr_t)headers - headers[index].p_vaddr;
        if (headers[index].p_type == PT_DYNAMIC) dynamic = &headers[index];
    }
    if (dynamic == NULL) return 0;
    uintptr_t table = 0;
    size_t size = 0;
    for (const ElfW(Dyn) *entry = (const ElfW(Dyn) *)(base + dynamic->p_vaddr); entry->d_tag != DT_NULL;
         entry++) {
        if (entry->d_tag == DT_RELA) table = entry->d_un.d_ptr;
        if (entry->d_tag == DT_RELASZ) size = entry->d_un.d_val;
    }
    if (table == 0) return 0;
    /* glibc's loader rebases the d_ptr entries of a writable dynamic section in place; others leave them
       as link-time addresses. */
    if (table < base) table += base;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = (table + page - 1) & ~(page - 1);
    uintptr_t end = (table + size) & ~(page - 1);
    if (end <= start || madvise((void *)start, end - start, MADV_DONTNEED) != 0) return 0;
    return end - start;
}
