/*
 * Foreground `run` and `exec` forward every signal they receive to the container (Supervisor.cs reads them from a
 * signalfd). A process-directed signal goes to any thread that does not block it, so besides the main thread the
 * runtime's finalizer thread must block them too. The runtime creates that thread before managed code runs and gives
 * it the mask of the thread that made it, so blocking here, before main, covers both threads. The alternative, a
 * finalizer that blocks them from inside that thread, costs a full garbage collection (~1 ms, a tenth of a short run).
 *
 * From here on signals sent to nrunc wait in the queue until the supervisor forwards them, as runc buffers them from
 * its start (its signal handler is installed before the container is created). Every process nrunc starts sets an
 * empty mask before execve (ChildInit), so nothing it runs inherits this.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>

/* runc's global flags that take a value (a following argument unless written --flag=value). */
static int takes_value(const char *flag)
{
    while (*flag == '-') flag++;
    return strcmp(flag, "root") == 0 || strcmp(flag, "log") == 0 || strcmp(flag, "log-format") == 0 ||
           strcmp(flag, "criu") == 0 || strcmp(flag, "rootless") == 0;
}

/* The command: the first argument that is neither a global flag nor a global flag's value. */
static const char *command_of(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
    {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') return a;
        if (strcmp(a, "--") == 0) return i + 1 < argc ? argv[i + 1] : NULL;
        if (strchr(a, '=') == NULL && takes_value(a)) i++;
    }
    return NULL;
}

__attribute__((constructor)) static void nrunc_block_forwarded_signals(int argc, char **argv)
{
    if (argv == NULL) return;
    const char *cmd = command_of(argc, argv);
    if (cmd == NULL || (strcmp(cmd, "run") != 0 && strcmp(cmd, "exec") != 0)) return;
    sigset_t set;
    sigfillset(&set); /* glibc leaves out its own internal signals */
    sigdelset(&set, SIGKILL);
    sigdelset(&set, SIGSTOP);
    sigprocmask(SIG_BLOCK, &set, NULL);
}
