#!/usr/bin/env python3
"""Generates nrunc's per-ABI syscall tables (src/Runc.Seccomp/Tables/*.g.cs).

Source: the Linux UAPI headers that Debian packages ship (asm/unistd*.h), read
through the C preprocessor so every #if/#ifdef the kernel wrote is honoured
(asm-generic's __ARCH_WANT_* switches, MIPS __NR_Linux bases, ARM's private
__ARM_NR_* calls, x32's __X32_SYSCALL_BIT). Needs `cpp` (gcc) and:

  apt-get install linux-libc-dev linux-libc-dev-arm64-cross linux-libc-dev-armhf-cross \
    linux-libc-dev-mips-cross linux-libc-dev-powerpc-cross linux-libc-dev-ppc64el-cross \
    linux-libc-dev-s390x-cross linux-libc-dev-riscv64-cross

Syscalls newer than those headers (Linux 6.1) come from tools/syscall-gen/newer-syscalls.tbl, a list taken from the
kernel's syscall tables (the file names its sources); each ABI gets them at its own base.

Run from the repository root:  python3 tools/syscall-gen/gen.py
"""
import os
import re
import subprocess
import sys

OUT_DIR = "src/Runc.Seccomp/Tables"

# Each ABI: (C# name, OCI names, Debian package, include dir, header, extra -D, bits, little endian, audit arch macro)
# 'bits' is the width of a syscall argument for this ABI (32-bit ABIs only compare the low word).
ABIS = [
    ("X86_64", ["SCMP_ARCH_X86_64"], "linux-libc-dev", "/usr/include/x86_64-linux-gnu", "asm/unistd.h", ["-D__x86_64__"], 64, True, "AUDIT_ARCH_X86_64"),
    ("X86", ["SCMP_ARCH_X86"], "linux-libc-dev", "/usr/include/x86_64-linux-gnu", "asm/unistd.h", ["-D__i386__"], 32, True, "AUDIT_ARCH_I386"),
    # x32 shares AUDIT_ARCH_X86_64; its numbers carry __X32_SYSCALL_BIT (0x40000000).
    ("X32", ["SCMP_ARCH_X32"], "linux-libc-dev", "/usr/include/x86_64-linux-gnu", "asm/unistd.h", ["-D__x86_64__", "-D__ILP32__"], 64, True, "AUDIT_ARCH_X86_64"),
    ("Aarch64", ["SCMP_ARCH_AARCH64"], "linux-libc-dev-arm64-cross", "/usr/aarch64-linux-gnu/include", "asm/unistd.h",
     ["-D__aarch64__", "-D__LP64__", "-D__SIZEOF_POINTER__=8"], 64, True, "AUDIT_ARCH_AARCH64"),
    ("Arm", ["SCMP_ARCH_ARM"], "linux-libc-dev-armhf-cross", "/usr/arm-linux-gnueabihf/include", "asm/unistd.h",
     ["-D__ARM_EABI__", "-D__SIZEOF_POINTER__=4"], 32, True, "AUDIT_ARCH_ARM"),
    ("Mips", ["SCMP_ARCH_MIPS"], "linux-libc-dev-mips-cross", "/usr/mips-linux-gnu/include", "asm/unistd_o32.h", ["-D__NR_Linux=4000"], 32, False, "AUDIT_ARCH_MIPS"),
    ("Mipsel", ["SCMP_ARCH_MIPSEL"], "linux-libc-dev-mips-cross", "/usr/mips-linux-gnu/include", "asm/unistd_o32.h", ["-D__NR_Linux=4000"], 32, True, "AUDIT_ARCH_MIPSEL"),
    ("Mips64", ["SCMP_ARCH_MIPS64"], "linux-libc-dev-mips-cross", "/usr/mips-linux-gnu/include", "asm/unistd_n64.h", ["-D__NR_Linux=5000"], 64, False, "AUDIT_ARCH_MIPS64"),
    ("Mipsel64", ["SCMP_ARCH_MIPSEL64"], "linux-libc-dev-mips-cross", "/usr/mips-linux-gnu/include", "asm/unistd_n64.h", ["-D__NR_Linux=5000"], 64, True, "AUDIT_ARCH_MIPSEL64"),
    ("Mips64N32", ["SCMP_ARCH_MIPS64N32"], "linux-libc-dev-mips-cross", "/usr/mips-linux-gnu/include", "asm/unistd_n32.h", ["-D__NR_Linux=6000"], 32, False, "AUDIT_ARCH_MIPS64N32"),
    ("Mipsel64N32", ["SCMP_ARCH_MIPSEL64N32"], "linux-libc-dev-mips-cross", "/usr/mips-linux-gnu/include", "asm/unistd_n32.h", ["-D__NR_Linux=6000"], 32, True, "AUDIT_ARCH_MIPSEL64N32"),
    ("Ppc", ["SCMP_ARCH_PPC"], "linux-libc-dev-powerpc-cross", "/usr/powerpc-linux-gnu/include", "asm/unistd_32.h", [], 32, False, "AUDIT_ARCH_PPC"),
    ("Ppc64", ["SCMP_ARCH_PPC64"], "linux-libc-dev-ppc64el-cross", "/usr/powerpc64le-linux-gnu/include", "asm/unistd_64.h", [], 64, False, "AUDIT_ARCH_PPC64"),
    ("Ppc64le", ["SCMP_ARCH_PPC64LE"], "linux-libc-dev-ppc64el-cross", "/usr/powerpc64le-linux-gnu/include", "asm/unistd_64.h", [], 64, True, "AUDIT_ARCH_PPC64LE"),
    ("S390", ["SCMP_ARCH_S390"], "linux-libc-dev-s390x-cross", "/usr/s390x-linux-gnu/include", "asm/unistd_32.h", [], 32, False, "AUDIT_ARCH_S390"),
    ("S390x", ["SCMP_ARCH_S390X"], "linux-libc-dev-s390x-cross", "/usr/s390x-linux-gnu/include", "asm/unistd_64.h", [], 64, False, "AUDIT_ARCH_S390X"),
    ("Riscv64", ["SCMP_ARCH_RISCV64"], "linux-libc-dev-riscv64-cross", "/usr/riscv64-linux-gnu/include", "asm/unistd.h",
     ["-D__LP64__", "-D__SIZEOF_POINTER__=8", "-D__riscv_xlen=64"], 64, True, "AUDIT_ARCH_RISCV64"),
    # Debian 12 has no loong64 cross headers. LoongArch uses the generic table unchanged, so we take
    # asm-generic/unistd.h (from the riscv64 cross package) with the __ARCH_WANT_* switches that the
    # kernel's arch/loongarch/include/uapi/asm/unistd.h sets today (fstat/newfstatat and
    # getrlimit/setrlimit came back in Linux 6.11; a kernel older than that answers ENOSYS for them).
    ("Loong64", ["SCMP_ARCH_LOONGARCH64"], "linux-libc-dev-riscv64-cross", "/usr/riscv64-linux-gnu/include", "asm-generic/unistd.h",
     ["-D__LP64__", "-D__SIZEOF_POINTER__=8", "-D__BITS_PER_LONG=64", "-D__ARCH_WANT_NEW_STAT", "-D__ARCH_WANT_SYS_CLONE",
      "-D__ARCH_WANT_SYS_CLONE3", "-D__ARCH_WANT_SET_GET_RLIMIT"], 64, True, "AUDIT_ARCH_LOONGARCH64"),
]

# Macros that look like syscalls but are bases, counts or masks.
NOT_A_SYSCALL = re.compile(r"(^Linux$|_Linux|_Linux_syscalls|^syscalls|^arch_specific_syscall|^SYSCALL_BASE|^OABI_SYSCALL_BASE|^SYSCALL_MASK|^BASE)$")


def preprocess_macros(include_dir, header, defines):
    cmd = ["cpp", "-dM", "-undef", "-nostdinc", "-x", "c", "-I", include_dir] + defines + ["-include", header, "/dev/null"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    macros = {}
    for line in out.splitlines():
        m = re.match(r"#define (\w+) (.*)$", line)
        if m:
            macros[m.group(1)] = m.group(2).strip()
    return macros


def evaluate(name, macros, depth=0):
    """Evaluates a macro made of integers, other macros, + and parentheses."""
    if depth > 20:
        raise ValueError("macro recursion: " + name)
    expr = macros[name]
    def token(m):
        text = m.group(0)
        if text[0].isdigit():
            return str(int(text.rstrip("uUlL"), 0))  # integer literal, C suffixes dropped
        return str(evaluate(text, macros, depth + 1))
    expanded = re.sub(r"0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|[A-Za-z_]\w*", token, expr)
    if not re.fullmatch(r"[0-9xXa-fA-F+()\s|<]*", expanded):
        raise ValueError(f"cannot evaluate {name} = {expr}")
    return int(eval(expanded, {"__builtins__": {}}))  # digits, + | << and parentheses only (checked above)


def syscalls_for(abi):
    _, _, _, include_dir, header, defines, _, _, _ = abi
    macros = preprocess_macros(include_dir, header, defines)
    table = {}
    for macro in macros:
        for prefix in ("__NR_", "__ARM_NR_"):
            if macro.startswith(prefix):
                name = macro[len(prefix):]
                if NOT_A_SYSCALL.search(name):
                    continue
                try:
                    table[name] = evaluate(macro, macros)
                except (KeyError, ValueError):
                    continue  # a macro that is not a plain number (e.g. function-like helpers)
    return table


# ABIs numbered by include/uapi/asm-generic/unistd.h. Their tables differ in a few entries only (arch-specific calls,
# __ARCH_WANT_* switches), so the entries all of them have, with the same numbers, are written once (AsmGenericSyscalls)
# and each ABI adds its own few to those.
GENERIC_FAMILY = ("Aarch64", "Riscv64", "Loong64")
GENERIC_CLASS = "AsmGeneric"
# More ABI-only entries than this and the ABI no longer follows the generic table: stop rather than share a small core.
GENERIC_MAX_EXTRAS = 16

NEWER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "newer-syscalls.tbl")

# Where an ABI's numbers start (the kernel tables' numbers for "common" syscalls are relative to it).
ABI_BASE = {"Mips": 4000, "Mipsel": 4000, "Mips64": 5000, "Mipsel64": 5000, "Mips64N32": 6000, "Mipsel64N32": 6000,
            "X32": 0x40000000}


def newer_syscalls(cs_name):
    """(name, number) for this ABI from newer-syscalls.tbl."""
    result = {}
    with open(NEWER) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            nr, name, abis = line.split()
            if abis != "all" and cs_name not in abis.split(","):
                continue
            base = ABI_BASE.get(cs_name, 0)
            result[name] = (base | int(nr)) if cs_name == "X32" else base + int(nr)
    return result


def audit_arch(macro):
    macros = preprocess_macros("/usr/include", "linux/audit.h", ["-I/usr/include/x86_64-linux-gnu"])
    return evaluate(macro, macros)


def package_version(package):
    return subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], check=True, capture_output=True, text=True).stdout


def header(sources):
    return ["// <auto-generated>", "// Generated by tools/syscall-gen/gen.py (python3 tools/syscall-gen/gen.py) from"] + \
        ["// " + line for line in sources] + \
        ["// Do not edit by hand: regenerate.", "// </auto-generated>", "namespace Runc.Seccomp.Tables;", ""]


def table_for(abi):
    cs_name = abi[0]
    table = syscalls_for(abi)
    if not table:
        sys.exit(f"no syscalls found for {cs_name}")
    newer = newer_syscalls(cs_name)
    for name, nr in newer.items():
        if name in table and table[name] != nr:
            sys.exit(f"{cs_name}: {name} is {table[name]} in the headers but {nr} in newer-syscalls.tbl")
        clash = [n for n, v in table.items() if v == nr and n != name]
        if clash:
            sys.exit(f"{cs_name}: {nr} is already {clash} in the headers")
        table[name] = nr
    return table, len(newer)


def write(name, lines):
    path = os.path.join(OUT_DIR, name)
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


def u8_lines(tokens, per_line, indent):
    """tokens as UTF-8 literals joined with '+', per_line tokens to a source line; each token ends with sep."""
    out = []
    for i in range(0, len(tokens), per_line):
        out.append(indent + "\"" + "".join(tokens[i:i + per_line]) + "\"u8" + (" +" if i + per_line < len(tokens) else ""))
    return out


def emit_names(names):
    """Every syscall name of every ABI, once, in ordinal order: the tables below list numbers in this order."""
    lines = header(["the tables of every ABI (the union of their names, in ordinal order)."]) + [
        "internal static class SyscallNames",
        "{",
        "    public static ReadOnlySpan<byte> Utf8 =>",
    ]
    lines += u8_lines([n + "\\n" for n in names], 1, "        ")
    lines[-1] += ";"
    lines += ["}", ""]
    print(f"{write('SyscallNames.g.cs', lines)}: {len(names)} names")


def generic_shared(tables):
    """The (name, number) entries every GENERIC_FAMILY ABI has, and each member's own entries beyond them."""
    family = {abi[0]: table for abi, table, _ in tables if abi[0] in GENERIC_FAMILY}
    if sorted(family) != sorted(GENERIC_FAMILY):
        sys.exit(f"asm-generic family: {sorted(GENERIC_FAMILY)} expected, found {sorted(family)}")
    if any(ABI_BASE.get(n, 0) != 0 for n in family):
        sys.exit("asm-generic family: every member must start at number 0")
    first = family[GENERIC_FAMILY[0]]
    shared = {n: v for n, v in first.items() if all(t.get(n) == v for t in family.values())}
    extras = {}
    for cs_name, table in family.items():
        extras[cs_name] = {n: v for n, v in table.items() if n not in shared}
        if len(extras[cs_name]) > GENERIC_MAX_EXTRAS:
            sys.exit(f"{cs_name}: {len(extras[cs_name])} entries beyond the asm-generic core; drop it from GENERIC_FAMILY")
    return shared, extras


def emit_generic(shared, names):
    lines = header([f"the entries that {', '.join(GENERIC_FAMILY)} all have, with the same numbers (their own ones",
                    "are in their files); see those files for the headers they come from."]) + [
        f"internal static class {GENERIC_CLASS}Syscalls",
        "{",
        "    /// <summary>The asm-generic syscall numbers the ABIs that use them share; not an ABI of its own.</summary>",
        "    public static readonly SyscallEntry[] Entries = SyscallEntry.Parse(0,",
    ]
    lines += u8_lines([(str(shared[n]) if n in shared else "-") + " " for n in names], 20, "        ")
    lines[-1] += ");"
    lines += ["}", ""]
    print(f"{write(f'{GENERIC_CLASS}Syscalls.g.cs', lines)}: {len(shared)} syscalls shared by {', '.join(GENERIC_FAMILY)}")


def emit(abi, table, newer_count, names, emitted, generic_extras=None):
    cs_name, oci_names, package, include_dir, header_name, _, bits, little, audit_macro = abi
    lines = header([
        f"{include_dir}/{header_name} of the Debian package {package} {package_version(package)},",
        f"audit arch from linux/audit.h of linux-libc-dev {package_version('linux-libc-dev')},",
        f"plus {newer_count} newer syscalls from tools/syscall-gen/newer-syscalls.tbl (the kernel's syscall tables, v6.19).",
    ])
    lines += [
        f"internal static class {cs_name}Syscalls",
        "{",
        f"    public static readonly SyscallAbi Abi = new(",
        f"        \"{oci_names[0]}\", 0x{audit_arch(audit_macro):08X}u, ArgumentBits: {bits}, LittleEndian: {'true' if little else 'false'},",
    ]
    # Endian twins (mips/mipsel, ppc64/ppc64le, ...) have the same numbers: reuse the first table, don't repeat it.
    key = tuple(sorted(table.items()))
    same_as = emitted.get(key)
    if same_as:
        lines += [f"        Entries: {same_as}Syscalls.Abi.Entries);", "}", ""]
        print(f"{write(f'{cs_name}Syscalls.g.cs', lines)}: same table as {same_as}")
        return
    emitted[key] = cs_name
    if generic_extras is not None:
        # The asm-generic core plus this ABI's own entries, as "name number" pairs in name order.
        extras = sorted(generic_extras, key=str.encode)
        if not extras:
            lines += [f"        Entries: {GENERIC_CLASS}Syscalls.Entries);", "}", ""]
        else:
            lines.append(f"        Entries: SyscallEntry.With({GENERIC_CLASS}Syscalls.Entries,")
            lines += u8_lines([f"{n} {generic_extras[n]} " for n in extras], 4, "            ")
            lines[-1] += "));"
            lines += ["}", ""]
        print(f"{write(f'{cs_name}Syscalls.g.cs', lines)}: {len(table)} syscalls, {len(extras)} beyond the asm-generic core")
        return
    # Numbers only, relative to the ABI's base, in SyscallNames order, "-" where this ABI lacks the syscall: one small
    # UTF-8 literal per ABI, parsed on first use (name+number lines per ABI were 82 KB of the binary, this is ~35 KB).
    base = ABI_BASE.get(cs_name, 0)
    low = [n for n, v in table.items() if v < base]
    if low:
        sys.exit(f"{cs_name}: {low} below the ABI base {base}")
    tokens = [(str(table[n] - base) if n in table else "-") + " " for n in names]
    lines.append(f"        Entries: SyscallEntry.Parse({base if base < 0x10000 else f'0x{base:X}'},")
    lines += u8_lines(tokens, 20, "            ")
    lines[-1] += "));"
    lines += ["}", ""]
    print(f"{write(f'{cs_name}Syscalls.g.cs', lines)}: {len(table)} syscalls, max {max(table.values())}")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    tables = [(abi, *table_for(abi)) for abi in ABIS]
    names = sorted({n for _, table, _ in tables for n in table}, key=str.encode)  # ordinal order, for binary search
    emit_names(names)
    shared, generic_extras = generic_shared(tables)
    emit_generic(shared, names)
    emitted = {}
    for abi, table, newer_count in tables:
        emit(abi, table, newer_count, names, emitted, generic_extras.get(abi[0]))


if __name__ == "__main__":
    main()
