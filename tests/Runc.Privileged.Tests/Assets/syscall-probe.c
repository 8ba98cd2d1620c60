/*
 * syscall-probe: test tooling for tests/Runc.Privileged.Tests/SeccompTests.cs (built at test time with
 * `gcc -static`, copied into the container's rootfs; never part of the runtime).
 *
 *   syscall-probe CALL...
 *   CALL := LABEL=[MODE:]NR[,ARG]...      MODE := i386 | x32 | thread
 *   ARG  := integer (strtoull, base 0: 0x..., up to 64 bits) | s:TEXT (pointer to TEXT)
 *
 * Every CALL runs in its own forked child, so a filter that kills only ends that child. One line per CALL:
 *   LABEL ok RET | LABEL errno N | LABEL trap | LABEL killed SIG | LABEL thread-killed
 * i386 issues the call through `int $0x80` (AUDIT_ARCH_I386 numbering, 5 arguments), x32 sets __X32_SYSCALL_BIT, thread makes the
 * call on a second thread (KILL_THREAD then ends only that thread: "thread-killed"). SIGSYS from SCMP_ACT_TRAP is
 * caught and reported as "trap". Results are written with write(2) in one piece.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS 6
#define X32_BIT 0x40000000UL

static char strings[MAX_ARGS][256]; /* static: below 4 GiB in a non-PIE binary, usable as i386 pointers */
static const char *label;
static char mode[8];
static unsigned long nr;
static unsigned long args[MAX_ARGS];
static volatile int thread_done;

static void say(const char *fmt, long value)
{
    char line[512];
    int n = snprintf(line, sizeof line, fmt, label, value);
    if (n > 0) { ssize_t w = write(1, line, (size_t)n); (void)w; }
}

static void on_sigsys(int sig)
{
    (void)sig;
    say("%s trap\n", 0);
    _exit(0);
}

static long raw_i386(unsigned long n, unsigned long *a)
{
    long ret;
    /* int $0x80: eax = nr; ebx, ecx, edx, esi, edi = args 0-4 (low 32 bits); ebp (arg 5) stays as it is. */
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(n), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
                     : "memory", "r8", "r9", "r10", "r11");
    return (long)(int)ret;
}

static void call_and_report(void)
{
    long r;
    if (strcmp(mode, "i386") == 0) {
        r = raw_i386(nr, args);
        if (r < 0 && r > -4096) { say("%s errno %ld\n", -r); return; }
        say("%s ok %ld\n", r);
        return;
    }
    unsigned long n = strcmp(mode, "x32") == 0 ? (nr | X32_BIT) : nr;
    errno = 0;
    r = syscall((long)n, args[0], args[1], args[2], args[3], args[4], args[5]);
    if (r == -1 && errno != 0) say("%s errno %ld\n", errno);
    else say("%s ok %ld\n", r);
}

static void *thread_main(void *unused)
{
    (void)unused;
    call_and_report();
    thread_done = 1;
    return NULL;
}

static int parse(char *spec)
{
    char *eq = strchr(spec, '=');
    if (!eq) return -1;
    *eq = 0;
    label = spec;
    char *rest = eq + 1;
    mode[0] = 0;
    char *colon = strchr(rest, ':');
    char *comma = strchr(rest, ',');
    if (colon && (!comma || colon < comma)) {
        size_t len = (size_t)(colon - rest);
        if (len >= sizeof mode) return -1;
        memcpy(mode, rest, len);
        mode[len] = 0;
        rest = colon + 1;
    }
    memset(args, 0, sizeof args);
    char *tok = strtok(rest, ",");
    if (!tok) return -1;
    nr = strtoul(tok, NULL, 0);
    for (int i = 0; i < MAX_ARGS && (tok = strtok(NULL, ",")) != NULL; i++) {
        if (strncmp(tok, "s:", 2) == 0) {
            snprintf(strings[i], sizeof strings[i], "%s", tok + 2);
            args[i] = (unsigned long)strings[i];
        } else {
            args[i] = strtoull(tok, NULL, 0);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (parse(argv[i]) != 0) {
            fprintf(stderr, "syscall-probe: bad call spec %s\n", argv[i]);
            return 2;
        }
        pid_t pid = fork();
        if (pid < 0) { say("%s fork-failed %ld\n", errno); continue; }
        if (pid == 0) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_sigsys;
            sigaction(SIGSYS, &sa, NULL);
            if (strcmp(mode, "thread") == 0) {
                pthread_t t;
                if (pthread_create(&t, NULL, thread_main, NULL) != 0) { say("%s thread-failed %ld\n", 0); _exit(1); }
                pthread_join(t, NULL);
                if (!thread_done) say("%s thread-killed\n", 0);
            } else {
                call_and_report();
            }
            _exit(0);
        }
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
        if (WIFSIGNALED(status)) say("%s killed %ld\n", WTERMSIG(status));
    }
    return 0;
}
