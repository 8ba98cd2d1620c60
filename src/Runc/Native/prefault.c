/*
 * NativeAOT keeps the runtime's type data compressed in the binary and unpacks it at every start into a zero-filled
 * section (.hydrated, ~1.3 MB here). Written page by page, that is ~330 page faults, a third of a `state` command's
 * CPU time. One MADV_POPULATE_WRITE over the writable zero-filled part of the binary (.bss and .hydrated) makes the
 * kernel allocate those pages in one call instead. Best effort: an old kernel (EINVAL) or any error changes nothing.
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static int populate_zero_fill(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size; (void)data;
    /* The first object is the executable itself. */
    for (int i = 0; i < info->dlpi_phnum; i++)
    {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W) == 0 || ph->p_memsz <= ph->p_filesz) continue;
        uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
        uintptr_t start = (info->dlpi_addr + ph->p_vaddr + ph->p_filesz + page - 1) & ~(page - 1);
        uintptr_t end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz + page - 1) & ~(page - 1);
        if (end > start) madvise((void *)start, end - start, MADV_POPULATE_WRITE);
    }
    return 1; /* stop after the executable */
}

__attribute__((constructor)) static void nrunc_prefault_hydrated(void)
{
    dl_iterate_phdr(populate_zero_fill, NULL);
}
