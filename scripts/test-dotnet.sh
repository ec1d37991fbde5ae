#!/usr/bin/env bash
# Tests the C# binding (capi/dotnet/) with Mono from Debian's packages:
#
#   - builds the C ABI's shared library (cargo build -p continuity-capi);
#   - compiles the binding with Mono's C# compiler, C# 6, warnings as errors
#     and every public member documented (-doc);
#   - runs its tests (capi/dotnet/tests: bad input, lifetimes, typed outputs,
#     the driver on a fake clock and on a real timer);
#   - replays every scenario of tests/scenarios/ through the binding
#     (capi/dotnet/replay) and compares each trace with the expected
#     NAME.trace.jsonl byte for byte;
#   - compiles and runs the C# program of README.md's thick-client section,
#     and compiles the C# blocks of capi/dotnet/README.md.
#
# Installs mono-mcs and mono-runtime with apt-get when `mcs` or `mono` is
# missing (about 30 s).
#
#   bash scripts/test-dotnet.sh                      everything above
#   bash scripts/test-dotnet.sh --scenarios DIR      replay DIR/*.json instead of tests/scenarios
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }
fail() {
  echo "error: $*" >&2
  exit 1
}

scenarios=tests/scenarios
case "${1-}" in
  "") ;;
  --scenarios)
    scenarios="${2:?--scenarios needs a folder of scenarios}"
    ;;
  *)
    echo "usage: bash scripts/test-dotnet.sh [--scenarios DIR]" >&2
    exit 2
    ;;
esac
started=$SECONDS

# Mono's C# compiler (mcs, C# up to 7.2; the binding keeps to C# 6) and runtime.
if ! command -v mcs >/dev/null || ! command -v mono >/dev/null; then
  say "installing Mono (apt-get: mono-mcs, mono-runtime)"
  sudo=""
  if [[ "$(id -u)" != 0 ]]; then sudo="sudo"; fi
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq mono-mcs mono-runtime >/dev/null
fi

say "native library (cargo build -p continuity-capi)"
cargo build -q -p continuity-capi --locked
target="${CARGO_TARGET_DIR:-target}"
library="$target/debug/libcontinuity_capi.so"
[[ -f "$library" ]] || fail "$library is missing after the build (capi/Cargo.toml makes a cdylib named continuity_capi)"
# [DllImport("continuity_capi")]: Mono looks for libcontinuity_capi.so next
# to the assembly, then where dlopen looks (LD_LIBRARY_PATH).
LD_LIBRARY_PATH="$(cd "$(dirname "$library")" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH

out="$target/dotnet"
rm -rf "$out"
mkdir -p "$out"
# C# 6 keeps the sources buildable by current .NET (Continuity.csproj says
# LangVersion 6 too) and by Mono's compiler alike.
csc=(mcs -langversion:6 -warnaserror+ -debug -nologo)

say "binding (mcs, warnings as errors, XML docs on every public member)"
"${csc[@]}" -target:library -doc:"$out/Continuity.xml" -out:"$out/Continuity.dll" capi/dotnet/src/*.cs
"${csc[@]}" -target:exe -r:"$out/Continuity.dll" -out:"$out/ContinuityTests.exe" capi/dotnet/tests/*.cs
"${csc[@]}" -target:exe -r:"$out/Continuity.dll" -out:"$out/ContinuityReplay.exe" capi/dotnet/replay/*.cs

say "binding tests (capi/dotnet/tests)"
mono --debug "$out/ContinuityTests.exe" --root .

say "scenarios through the binding ($scenarios/*.json against their .trace.jsonl)"
shopt -s nullglob
files=("$scenarios"/*.json)
shopt -u nullglob
((${#files[@]} > 0)) || fail "no scenario in $scenarios"
replayed=0
mono --debug "$out/ContinuityReplay.exe" "$out/traces" "${files[@]}" || replayed=$?
differ=0
for file in "${files[@]}"; do
  name="$(basename "$file" .json)"
  expected="${file%.json}.trace.jsonl"
  actual="$out/traces/$name.trace.jsonl"
  if [[ ! -f "$expected" ]]; then
    echo "scenario $name: no expected trace $expected" >&2
    differ=$((differ + 1))
  elif [[ ! -f "$actual" ]]; then
    echo "scenario $name: the C# replay wrote no trace (its error is above)" >&2
    differ=$((differ + 1))
  elif ! cmp -s "$expected" "$actual"; then
    echo "scenario $name: the C# trace differs from $expected (expected, then C#):" >&2
    diff -u "$expected" "$actual" | head -n 20 >&2 || true
    differ=$((differ + 1))
  fi
done
if ((differ > 0 || replayed != 0)); then
  fail "$differ of ${#files[@]} scenarios differ through the C# binding (traces in $out/traces)"
fi
echo "${#files[@]} scenarios: every trace equals the native one byte for byte"

# The ```csharp blocks of FILE, in the `## ` section whose heading matches
# SECTION (every section when empty), written to PREFIX-1.cs, PREFIX-2.cs, …;
# prints how many.
extract_csharp() {
  awk -v section="$2" -v prefix="$3" '
    BEGIN { in_section = (section == "") }
    /^```/ {
      if (!fence) {
        fence = 1
        if (in_section && $0 ~ /^```csharp[[:space:]]*$/) {
          count++
          file = prefix "-" count ".cs"
          printf "" > file
          in_block = 1
        }
      } else {
        fence = 0
        if (in_block) { close(file); in_block = 0 }
      }
      next
    }
    !fence && /^## / { in_section = (section == "" || $0 ~ section); next }
    in_block { print > file }
    END { print count + 0 }
  ' "$1"
}

say "README.md's C# program (thick-client section), compiled and run"
count="$(extract_csharp README.md '^## Thick clients' "$out/readme")"
((count > 0)) || fail "README.md's thick-client section shows no \`\`\`csharp block"
for ((i = 1; i <= count; i++)); do
  "${csc[@]}" -target:exe -r:"$out/Continuity.dll" -out:"$out/readme-$i.exe" "$out/readme-$i.cs" ||
    fail "README.md's C# block $i ($out/readme-$i.cs) does not compile"
  if ! mono --debug "$out/readme-$i.exe" >"$out/readme-$i.out" 2>"$out/readme-$i.err"; then
    cat "$out/readme-$i.err" >&2
    fail "README.md's C# block $i ($out/readme-$i.cs) failed"
  fi
done
# The program is examples/minimal.c in C#: the same inputs, the same output.
# (cc is there: cargo links with it.)
"${CC:-cc}" -std=c11 -Icapi/include capi/examples/minimal.c "$target/debug/libcontinuity_capi.a" \
  -lpthread -ldl -lm -o "$out/minimal-c"
"$out/minimal-c" >"$out/minimal-c.out"
if ! cmp -s "$out/minimal-c.out" "$out/readme-1.out"; then
  diff -u "$out/minimal-c.out" "$out/readme-1.out" | head -n 20 >&2 || true
  fail "README.md's C# program does not print what examples/minimal.c prints (diff above: C, then C#)"
fi
grep -F '"type": "switched"' "$out/readme-1.out" >/dev/null || fail "README.md's C# program shows no switch"

say "capi/dotnet/README.md's C# blocks, compiled"
count="$(extract_csharp capi/dotnet/README.md '' "$out/binding-readme")"
((count > 0)) || fail "capi/dotnet/README.md shows no \`\`\`csharp block"
for ((i = 1; i <= count; i++)); do
  "${csc[@]}" -target:library -r:"$out/Continuity.dll" -out:"$out/binding-readme-$i.dll" "$out/binding-readme-$i.cs" ||
    fail "capi/dotnet/README.md's C# block $i ($out/binding-readme-$i.cs) does not compile"
done

say "C# binding tests passed ($((SECONDS - started)) s)"
