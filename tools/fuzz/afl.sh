#!/usr/bin/env bash
# Coverage-guided fuzzing of Runc.Oci's config parser and validator with AFL++ and SharpFuzz (issue 8 §11).
#   tools/fuzz/afl.sh [SECONDS] [OUTDIR]     SECONDS defaults to 60 (build.sh test); OUTDIR defaults to a temp dir
# Seeds: tests/Runc.Oci.Tests/FuzzCorpus (hand-made seeds; afl/ = afl-cmin of a 900 s run's queue) and Golden. The harness (tools/fuzz/Program.cs) treats a
# RuncException as a correct refusal; any other exception is a crash. Exit 1 when AFL++ saved a crash or a hang (the
# inputs stay in OUTDIR/default/crashes and hangs), 0 otherwise. Needs afl++ (Debian) and NuGet for SharpFuzz.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=${1:-60}
command -v afl-fuzz >/dev/null || { echo "afl.sh: afl-fuzz missing; install Debian's afl++" >&2; exit 2; }
work=$(mktemp -d /tmp/nrunc-afl.XXXXXX)
out=${2:-$work/out}
cleanup() { [ -n "${work:-}" ] && [ -d "$work" ] && rm -rf -- "$work"; }
[ -n "${2:-}" ] || trap cleanup EXIT

dotnet build "$here/tools/fuzz/SpecFuzz.csproj" -c Release -o "$work/bin" -nologo -v:q >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; echo "afl.sh: harness build failed" >&2; exit 2; }
dotnet tool install --tool-path "$work/tools" SharpFuzz.CommandLine --version 2.3.0 >"$work/tool.log" 2>&1 ||
  { cat "$work/tool.log" >&2; echo "afl.sh: SharpFuzz.CommandLine install failed" >&2; exit 2; }
"$work/tools/sharpfuzz" "$work/bin/Runc.Oci.dll" >/dev/null

mkdir -p "$work/in"
cp "$here"/tests/Runc.Oci.Tests/FuzzCorpus/*.json "$here"/tests/Runc.Oci.Tests/FuzzCorpus/afl/*.json "$here"/tests/Runc.Oci.Tests/Golden/*.json "$work/in/"
echo "afl.sh: fuzzing for ${seconds}s, output in $out" >&2
AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
  afl-fuzz -i "$work/in" -o "$out" -t 10000 -m none -V "$seconds" -- dotnet "$work/bin/SpecFuzz.dll" >"$work/afl.log" 2>&1 ||
  { tail -30 "$work/afl.log" >&2; echo "afl.sh: afl-fuzz failed" >&2; exit 2; }
stats="$out/default/fuzzer_stats"
[ -f "$stats" ] || { tail -30 "$work/afl.log" >&2; echo "afl.sh: no fuzzer_stats" >&2; exit 2; }
get() { awk -F' *: *' -v k="$1" '$1==k{print $2}' "$stats"; }
crashes=$(get saved_crashes); hangs=$(get saved_hangs)
echo "afl.sh: $(get run_time) s, $(get execs_done) execs, $(get corpus_count) corpus entries, $(get edges_found) edges ($(get bitmap_cvg)), $crashes crashes, $hangs hangs" >&2
if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then
  [ -n "${2:-}" ] || { mkdir -p "$here/artifacts/afl" && cp -r "$out/default/crashes" "$out/default/hangs" "$here/artifacts/afl/"; }
  echo "afl.sh: crashes or hangs found (copied to artifacts/afl)" >&2
  exit 1
fi
