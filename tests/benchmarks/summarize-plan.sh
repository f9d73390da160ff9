#!/usr/bin/env bash
# Benchmark: `./build.sh SummarizePlan` against jq computing the same counts, on two generated plans of COUNT
# resource changes (default 100,000): the full shape (long before/after values, about 337 MB) and the compact shape
# (small values, about 80 MB, where fixed costs weigh more). Median of RUNS runs each (default 5) and peak memory;
# next to them a bare Utf8JsonReader pass over the same file (tests/benchmarks/bare-reader: every token read, nothing
# kept), the limit a streaming reader approaches. Needs python3, jq, bc and GNU time. Prints a Markdown table per
# shape; exits non-zero when a goal is missed (>= 10x jq on both shapes, <= 100 MB).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNS="${RUNS:-5}"; COUNT="${COUNT:-100000}"; SHAPES="${SHAPES:-full compact}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

./build.sh --plan > /dev/null   # compiled and warm
dotnet build tests/benchmarks/bare-reader/bare-reader.csproj -c Release -o "$WORK/bare" --nologo -v q > /dev/null

measure() { # prints "seconds peak_kb" of "$@"
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" > "$WORK/out" 2>&1 || { cat "$WORK/out" >&2; exit 1; }
  cat "$WORK/time"
}
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
JQ_PROGRAM='[.resource_changes[]?.change.actions | if . == ["delete","create"] or . == ["create","delete"] then "replace" else join(",") end] | group_by(.) | map({(.[0]): length}) | add'

missed=0
for shape in $SHAPES; do
  PLAN="$WORK/$shape.json"
  if [[ "$shape" == compact ]]; then python3 tests/benchmarks/generate-plan.py "$PLAN" "$COUNT" compact; else python3 tests/benchmarks/generate-plan.py "$PLAN" "$COUNT"; fi
  size_mb=$(( $(stat -c %s "$PLAN") / 1024 / 1024 ))
  ours_t=(); ours_m=(); jq_t=(); jq_m=(); bare_t=(); bare_m=()
  for _ in $(seq "$RUNS"); do
    read -r t m < <(measure dotnet "$WORK/bare/bare-reader.dll" "$PLAN"); bare_t+=("$t"); bare_m+=("$m")
    read -r t m < <(measure ./build.sh SummarizePlan --plan-json "$PLAN" --summary-out "$WORK/summary.json"); ours_t+=("$t"); ours_m+=("$m")
    read -r t m < <(measure jq -c "$JQ_PROGRAM" "$PLAN"); jq_t+=("$t"); jq_m+=("$m")
  done
  cp "$WORK/out" "$WORK/jq.json"

  # Same answer from both.
  python3 - "$WORK/summary.json" "$WORK/jq.json" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1])); theirs = json.load(open(sys.argv[2]))
mapping = {"create": "create", "update": "update", "delete": "delete", "replace": "replace", "read": "read", "no_op": "no-op"}
for ours_key, jq_key in mapping.items():
    assert ours[ours_key] == theirs.get(jq_key, 0), (ours_key, ours[ours_key], theirs.get(jq_key))
PY

  ot=$(printf '%s\n' "${ours_t[@]}" | median); jt=$(printf '%s\n' "${jq_t[@]}" | median); bt=$(printf '%s\n' "${bare_t[@]}" | median)
  om=$(printf '%s\n' "${ours_m[@]}" | sort -n | tail -n 1); jm=$(printf '%s\n' "${jq_m[@]}" | sort -n | tail -n 1); bm=$(printf '%s\n' "${bare_m[@]}" | sort -n | tail -n 1)
  ratio=$(echo "$jt / $ot" | bc -l)
  printf '\n| %s plan: %s resource changes, %s MB | median of %d (s) | MB/s | peak memory (MB) |\n|---|---|---|---|\n' "$shape" "$COUNT" "$size_mb" "$RUNS"
  printf '| `./build.sh SummarizePlan` (whole run: start, read, summary, files) | %.2f | %.0f | %d |\n' "$ot" "$(echo "$size_mb / $ot" | bc -l)" $(( om / 1024 ))
  printf '| bare `Utf8JsonReader` pass (a process that only reads every token) | %.2f | %.0f | %d |\n' "$bt" "$(echo "$size_mb / $bt" | bc -l)" $(( bm / 1024 ))
  printf '| `jq` (same counts) | %.2f | %.0f | %d |\n' "$jt" "$(echo "$size_mb / $jt" | bc -l)" $(( jm / 1024 ))
  printf '\n%s: speed-up over jq %.1fx (goal >= 10x); peak memory %d MB (goal <= 100)\n' "$shape" "$ratio" $(( om / 1024 ))
  awk -v r="$ratio" -v m="$om" 'BEGIN { exit !(r >= 10 && m <= 100 * 1024) }' || { echo "GOAL MISSED ($shape)" >&2; missed=1; }
  rm -f "$PLAN"
done
exit "$missed"
