/*
 * CVE-2019-5736 seal, done before the .NET runtime starts (see src/Runc.Runtime/Launch/ExeSeal.cs for why and how).
 *
 * `create` and `run` must execute from a read-only, detached clone of their own binary. ExeSeal.cs does that from
 * managed code, which means the runtime first starts up in full (rehydrating its type data, setting up the GC) only to
 * be replaced by execveat: ~500 page faults and a few ms of CPU on every create and run. This constructor runs before
 * main, so the first process costs only the dynamic loader. It does exactly what ExeSeal.ReexecSealedIfNeeded does,
 * with the same guard variable; whenever it cannot (old kernel, no privilege, any error) it returns and the managed
 * code tries again and reports at debug level. It seals whenever "run" or "create" appears anywhere in the arguments:
 * a false positive (a container named "run", say) costs one re-exec and nothing else.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/mount.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define GUARD "_NRUNC_EXE_SEALED"

static int wants_seal(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "run") == 0 || strcmp(argv[i], "create") == 0) return 1;
    return 0;
}

__attribute__((constructor)) static void nrunc_exe_seal(int argc, char **argv, char **envp)
{
    if (argv == NULL || envp == NULL || !wants_seal(argc, argv) || getenv(GUARD) != NULL) return;
    struct statvfs st;
    if (statvfs("/proc/self/exe", &st) == 0 && (st.f_flag & ST_RDONLY) != 0) return;

    int tree = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (tree < 0) return;
    struct mount_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) != 0) { close(tree); return; }

    size_t n = 0;
    while (envp[n] != NULL) n++;
    char **env = calloc(n + 2, sizeof *env);
    if (env == NULL) { close(tree); return; }
    memcpy(env, envp, n * sizeof *env);
    env[n] = GUARD "=1";
    env[n + 1] = NULL;
    syscall(SYS_execveat, tree, "", argv, env, AT_EMPTY_PATH);
    /* Still here: the managed ExeSeal tries again and says why at debug level. */
    free(env);
    close(tree);
}
