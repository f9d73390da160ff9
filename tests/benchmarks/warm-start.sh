#!/usr/bin/env bash
# Benchmark: warm `./build.sh --plan` against the NUKE-style bootstrap of the same build
# (`dotnet build build/_build.csproj` then `dotnet run --project build --no-build -- --plan`).
# Median of RUNS runs each (default 7), both measured in this one run, and the compiled build run directly
# (`dotnet .nuke/temp/build-bin/_build.dll --plan`): what build.sh adds to it (hashing the inputs, checking the
# compiled build is whole) is its overhead. Prints a Markdown table.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNS="${RUNS:-7}"
cd "$ROOT"

seconds() { # runs "$@" quietly, prints elapsed seconds
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

nuke_style() {
  dotnet build build/_build.csproj --nologo --verbosity quiet > /dev/null 2>&1
  dotnet run --project build --no-build -- --plan
}

# Warm both paths first: compiled build, restored packages.
./build.sh --plan > /dev/null
nuke_style > /dev/null 2>&1

# Each path in a block of its own: right after an MSBuild run the machine is busy settling (compiler server,
# page cache), which is not what a warm start of ./build.sh meets.
ours=(); nuke=(); direct=()
for _ in $(seq "$RUNS"); do ours+=("$(seconds ./build.sh --plan)"); done
for _ in $(seq "$RUNS"); do direct+=("$(seconds dotnet .nuke/temp/build-bin/_build.dll --plan)"); done
for _ in $(seq "$RUNS"); do nuke+=("$(seconds nuke_style)"); done

ours_median=$(printf '%s\n' "${ours[@]}" | median)
nuke_median=$(printf '%s\n' "${nuke[@]}" | median)
direct_median=$(printf '%s\n' "${direct[@]}" | median)
ratio=$(echo "$nuke_median / $ours_median" | bc -l)
overhead=$(echo "$ours_median - $direct_median" | bc -l)

printf '| path | median of %d (s) |\n|---|---|\n' "$RUNS"
printf '| warm `./build.sh --plan` | %.3f |\n' "$ours_median"
printf '| the compiled build run directly, `dotnet .nuke/temp/build-bin/_build.dll --plan` | %.3f |\n' "$direct_median"
printf '| `dotnet build` + `dotnet run --no-build -- --plan` | %.3f |\n' "$nuke_median"
printf '\nspeed-up: %.1fx; build.sh overhead over the DLL: %.3f s (targets: >= 8x, <= 0.3 s for ./build.sh, overhead <= 0.1 s)\n' "$ratio" "$overhead"
awk -v o="$ours_median" -v r="$ratio" -v d="$overhead" 'BEGIN { exit !(o <= 0.3 && r >= 8 && d <= 0.1) }' || { echo "TARGET MISSED" >&2; exit 1; }
