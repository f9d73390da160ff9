#!/usr/bin/env bash
# Benchmark: peak memory of the pipeline's plan paths, each target its own process as in a CircleCI job, on a
# generated plan of COUNT resource changes (default 100,000) in two shapes: full (long values, about 350 MB) and
# compact (small values, about 80 MB). In a fresh clone, with the terraform test double replaying the plan
# (`show -json` prints it): TerraformPlan (its post-processing: the plan JSON written, the sensitive values
# registered, the summaries), PolicyCheck (the environment's plan, its sensitive values, the rules) and
# TerraformApply (the checks before the apply, the apply by the double). Every resource carries the tags the rules
# require, so the policy passes and the apply runs. Needs python3 and GNU time. Prints a Markdown table; exits
# non-zero when a goal is missed: every peak <= 150 MB on the full plan, and no peak more than 30 MB above the
# same target's on the compact plan (memory does not grow with the size of the values).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
COUNT="${COUNT:-100000}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT

python3 "$ROOT/tests/benchmarks/generate-plan.py" "$WORK/full.json" "$COUNT" tagged
python3 "$ROOT/tests/benchmarks/generate-plan.py" "$WORK/compact.json" "$COUNT" tagged,compact
git clone -q "$ROOT" "$WORK/repo"
cd "$WORK/repo"
./build.sh --plan > /dev/null 2>&1   # compiled once, before anything is measured

export TERRAFORM_EXECUTABLE="$WORK/repo/tests/Doubles/Terraform/terraform-double.sh"
export TERRAFORM_DOUBLE_OUTPUTS="$WORK/repo/tests/Terraform/Fixtures/outputs-with-sensitive.json"
export TERRAFORM_DOUBLE_LOG="$WORK/terraform.log"
export CIRCLECI=true CIRCLE_SHA1=c0ffee1 CIRCLE_BRANCH=main NO_COLOR=1 KEEP_PLANS_LOCAL=true
export AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=benchmark-not-a-secret

peak() { # runs the target, prints its peak resident memory in MB
  /usr/bin/time -f '%M' -o "$WORK/time" ./build.sh "$@" --skip > "$WORK/out" 2>&1 || { tail -n 20 "$WORK/out" >&2; exit 1; }
  echo $(( $(tail -n 1 "$WORK/time") / 1024 ))
}

declare -A peaks
for shape in full compact; do
  export TERRAFORM_DOUBLE_PLAN_JSON="$WORK/$shape.json"
  peaks[$shape,plan]=$(peak TerraformPlan)
  peaks[$shape,policy]=$(peak PolicyCheck)
  peaks[$shape,apply]=$(peak TerraformApply --allow-destroy)
done

full_mb=$(( $(stat -c %s "$WORK/full.json") / 1024 / 1024 )); compact_mb=$(( $(stat -c %s "$WORK/compact.json") / 1024 / 1024 ))
printf '| target (its own process) | peak on the full plan, %s MB (MB) | peak on the compact plan, %s MB (MB) |\n|---|---|---|\n' "$full_mb" "$compact_mb"
missed=0
for target in plan policy apply; do
  case "$target" in plan) name=TerraformPlan ;; policy) name=PolicyCheck ;; apply) name=TerraformApply ;; esac
  printf '| `%s` | %d | %d |\n' "$name" "${peaks[full,$target]}" "${peaks[compact,$target]}"
  if (( peaks[full,$target] > 150 || peaks[full,$target] - peaks[compact,$target] > 30 )); then missed=1; fi
done
printf '\n%s resource changes in each plan; goals: every peak <= 150 MB on the full plan, and at most 30 MB above the compact plan'"'"'s\n' "$COUNT"
if (( missed )); then echo "GOAL MISSED" >&2; exit 1; fi
