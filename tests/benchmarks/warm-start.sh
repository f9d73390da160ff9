#!/usr/bin/env bash
# Benchmark: the warm start, layer by layer. Median of RUNS runs each (default 9), all measured in this one run, in
# blocks of their own: an empty .NET program (tests/benchmarks/empty-program: the runtime's floor on this machine),
# the compiled build run directly (`dotnet .nuke/temp/build-bin/_build.dll --plan`), warm `./build.sh --plan`, and
# the NUKE-style bootstrap of the same build (`dotnet build` then `dotnet run --no-build -- --plan`).
# build.sh's overhead is its median over the DLL's; the DLL's own start is its median over the empty program's.
# Prints a Markdown table; exits non-zero when a goal is missed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNS="${RUNS:-9}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

seconds() { # runs "$@" quietly, prints elapsed seconds
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null 2>&1
  end=$(date +%s%N)
  echo "scale=4; ($end - $start) / 1000000000" | bc -l
}
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
nuke_style() {
  dotnet build build/_build.csproj --nologo --verbosity quiet > /dev/null 2>&1
  dotnet run --project build --no-build -- --plan
}

dotnet build tests/benchmarks/empty-program/empty-program.csproj -c Release -o "$WORK/empty" --nologo -v q > /dev/null
# Warm each path first: compiled build, the stamps build.sh keeps; NUKE-style's restore right before its own block,
# since an MSBuild run leaves the machine busy for a while after it.
./build.sh --plan > /dev/null; ./build.sh --plan > /dev/null

empty=(); direct=(); ours=(); nuke=()
for _ in $(seq "$RUNS"); do empty+=("$(seconds dotnet "$WORK/empty/empty-program.dll")"); done
# The DLL and build.sh in turn, so that a machine getting busier or quieter weighs on both alike.
for _ in $(seq "$RUNS"); do
  direct+=("$(seconds dotnet .nuke/temp/build-bin/_build.dll --plan)")
  ours+=("$(seconds ./build.sh --plan)")
done
nuke_style > /dev/null 2>&1
for _ in $(seq "$RUNS"); do nuke+=("$(seconds nuke_style)"); done

empty_m=$(printf '%s\n' "${empty[@]}" | median)
direct_m=$(printf '%s\n' "${direct[@]}" | median)
ours_m=$(printf '%s\n' "${ours[@]}" | median)
nuke_m=$(printf '%s\n' "${nuke[@]}" | median)
script_overhead=$(echo "$ours_m - $direct_m" | bc -l)
build_start=$(echo "$direct_m - $empty_m" | bc -l)
ratio=$(echo "$nuke_m / $ours_m" | bc -l)

printf '| path | median of %d (s) |\n|---|---|\n' "$RUNS"
printf '| an empty .NET program (`dotnet empty-program.dll`) | %.3f |\n' "$empty_m"
printf '| the compiled build run directly, `dotnet .nuke/temp/build-bin/_build.dll --plan` | %.3f |\n' "$direct_m"
printf '| warm `./build.sh --plan` | %.3f |\n' "$ours_m"
printf '| `dotnet build` + `dotnet run --no-build -- --plan` (NUKE-style) | %.3f |\n' "$nuke_m"
printf '\nbuild.sh over the DLL: %.3f s (goal <= 0.03); the DLL over an empty program: %.3f s; the DLL: %.3f s (goal <= 0.10); ./build.sh %.1fx faster than NUKE-style (goal >= 8x)\n' \
  "$script_overhead" "$build_start" "$direct_m" "$ratio"
awk -v s="$script_overhead" -v d="$direct_m" -v r="$ratio" 'BEGIN { exit !(s <= 0.03 && d <= 0.10 && r >= 8) }' || { echo "GOAL MISSED" >&2; exit 1; }
