#!/usr/bin/env bash
# Benchmark: `./build.sh PolicyCheck --plan-json` on a generated plan of COUNT resource changes (default 100,000,
# every resource an aws_instance the rules judge) against jq applying the same rules (tags, encryption, instance
# type: what teams script in CI today), median of RUNS runs each (default 5), peak memory of each. Two plans: one
# that complies (both find nothing) and one whose resources lack the required tags (both find the same number of
# violating resources). Needs python3, jq, bc and GNU time. Prints a Markdown table.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNS="${RUNS:-5}"; COUNT="${COUNT:-100000}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

python3 tests/benchmarks/generate-plan.py "$WORK/tagged.json" "$COUNT" tagged
python3 tests/benchmarks/generate-plan.py "$WORK/untagged.json" "$COUNT"
size_mb=$(( $(stat -c %s "$WORK/tagged.json") / 1024 / 1024 ))
./build.sh --plan > /dev/null   # compiled and warm

# The same rules for what the plan holds: a resource violates when it will exist after apply and lacks a tag,
# leaves its root volume unencrypted or uses a type dev does not allow. Prints the number of violating resources.
JQ_PROGRAM='[.resource_changes[]?
  | select(.mode == "managed" and (.change.actions | . == ["create"] or . == ["update"] or . == ["no-op"] or . == ["delete","create"] or . == ["create","delete"]))
  | .change.after as $a
  | select(
      (($a.tags_all // $a.tags // {}) as $t | any(("Project","Environment","ManagedBy"); ($t[.] // "") == ""))
      or (.type == "aws_instance" and ((($a.root_block_device // []) | length) == 0 or any($a.root_block_device[]; .encrypted != true)))
      or (.type == "aws_instance" and ($a.instance_type | IN("t3.micro", "t3.small") | not)))
  | .address] | unique | length'

measure() { # prints "seconds peak_kb" of "$@" (exit status ignored: PolicyCheck fails on violations)
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" > "$WORK/out" 2>&1 || true
  cat "$WORK/time" | tail -n 1
}
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

printf '| %s resource changes, %s MB | median of %d (s) | peak memory (MB) | violating resources |\n|---|---|---|---|\n' "$COUNT" "$size_mb" "$RUNS"
for plan in tagged untagged; do
  ours_t=(); ours_m=(); jq_t=(); jq_m=()
  for _ in $(seq "$RUNS"); do
    read -r t m < <(measure ./build.sh PolicyCheck --plan-json "$WORK/$plan.json" --profile dev); ours_t+=("$t"); ours_m+=("$m")
    read -r t m < <(measure jq "$JQ_PROGRAM" "$WORK/$plan.json"); jq_t+=("$t"); jq_m+=("$m")
  done
  theirs=$(jq "$JQ_PROGRAM" "$WORK/$plan.json")
  ours=$(jq '[.rules[].violations[].address] | unique | length' .nuke/temp/policy/dev.plan-json.json)
  [ "$ours" = "$theirs" ] || { echo "different answers on $plan: PolicyCheck $ours, jq $theirs" >&2; exit 1; }
  ot=$(printf '%s\n' "${ours_t[@]}" | median); jt=$(printf '%s\n' "${jq_t[@]}" | median)
  om=$(printf '%s\n' "${ours_m[@]}" | sort -n | tail -n 1); jm=$(printf '%s\n' "${jq_m[@]}" | sort -n | tail -n 1)
  printf '| `./build.sh PolicyCheck`, %s plan (whole run) | %.2f | %d | %s |\n' "$plan" "$ot" $(( om / 1024 )) "$ours"
  printf '| `jq`, same rules, %s plan | %.2f | %d | %s |\n' "$plan" "$jt" $(( jm / 1024 )) "$theirs"
  printf '| speed-up over jq (%s) | %.1fx | | |\n' "$plan" "$(echo "$jt / $ot" | bc -l)"
done
