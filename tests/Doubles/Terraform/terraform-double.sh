#!/usr/bin/env bash
# A test double of the terraform CLI. It checks the arguments the pipeline passes and replays real output:
# `show -json` prints a real plan (TERRAFORM_DOUBLE_PLAN_JSON), `output -json` real outputs (TERRAFORM_DOUBLE_OUTPUTS).
#   TERRAFORM_DOUBLE_LOG        file receiving one line per invocation ("<cwd>|<args>|env <what the build must set>")
#   TERRAFORM_DOUBLE_VERSION    version to report (default 1.9.8)
#   TERRAFORM_DOUBLE_PLAN_EXIT  exit code of `plan` with -detailed-exitcode (default 2: changes)
#   TERRAFORM_DOUBLE_STALE      non-empty: `apply` fails as Terraform does with a stale saved plan
set -euo pipefail
log="${TERRAFORM_DOUBLE_LOG:-/dev/null}"
printf '%s|%s|env AWS_EC2_METADATA_DISABLED=%s CHECKPOINT_DISABLE=%s\n' "$PWD" "$*" "${AWS_EC2_METADATA_DISABLED:-}" "${CHECKPOINT_DISABLE:-}" >> "$log"

die() { echo "terraform-double: $*" >&2; exit 64; }
has() { local wanted="$1"; shift; for a in "$@"; do [[ "$a" == "$wanted" ]] && return 0; done; return 1; }
value_of() { local prefix="$1"; shift; for a in "$@"; do [[ "$a" == "$prefix"* ]] && { echo "${a#"$prefix"}"; return 0; }; done; return 1; }

command="${1:-}"; shift || true
case "$command" in
  version)
    has -json "$@" || die "expected version -json"
    printf '{"terraform_version":"%s","platform":"linux_amd64","provider_selections":{},"terraform_outdated":false}\n' "${TERRAFORM_DOUBLE_VERSION:-1.9.8}"
    ;;
  fmt)
    has -check "$@" && has -recursive "$@" || die "expected fmt -check -recursive"
    ls ./*.tf > /dev/null 2>&1 || die "no .tf files in $PWD"
    ;;
  init)
    has -input=false "$@" && has -lockfile=readonly "$@" || die "expected init -input=false -lockfile=readonly"
    [[ -f .terraform.lock.hcl ]] || die "no .terraform.lock.hcl in $PWD"
    if backend="$(value_of -backend-config= "$@")"; then
      [[ -f "$backend" ]] || die "backend config $backend does not exist"
    else
      has -backend=false "$@" || die "expected -backend-config=<file> or -backend=false"
    fi
    echo "Terraform has been successfully initialized!"
    ;;
  validate)
    echo "Success! The configuration is valid."
    ;;
  plan)
    has -input=false "$@" && has -detailed-exitcode "$@" || die "expected plan -input=false -detailed-exitcode"
    out="$(value_of -out= "$@")" || die "expected -out=<planfile>"
    varfile="$(value_of -var-file= "$@")" || die "expected -var-file=<env>.tfvars"
    [[ -f "$varfile" ]] || die "var file $varfile does not exist"
    [[ -n "${TERRAFORM_DOUBLE_PLAN_JSON:-}" ]] || die "TERRAFORM_DOUBLE_PLAN_JSON is not set"
    printf 'tfplan-double\n%s\n%s\n' "$TERRAFORM_DOUBLE_PLAN_JSON" "$(date +%s%N)" > "$out"
    echo "Terraform will perform the following actions:"
    exit "${TERRAFORM_DOUBLE_PLAN_EXIT:-2}"
    ;;
  show)
    plan="${*: -1}"
    [[ "$(head -n 1 "$plan" 2>/dev/null)" == "tfplan-double" ]] || die "show: $plan is not a saved plan"
    has -json "$@" || die "show: only -json is expected (the plan's text comes from the plan's own output)"
    cat "$TERRAFORM_DOUBLE_PLAN_JSON"
    ;;
  apply)
    plan="${*: -1}"
    has -input=false "$@" || die "expected apply -input=false"
    has -auto-approve "$@" && die "a saved plan needs no -auto-approve; refusing a re-plan"
    [[ "$(head -n 1 "$plan" 2>/dev/null)" == "tfplan-double" ]] || die "apply: $plan is not a saved plan"
    if [[ -n "${TERRAFORM_DOUBLE_STALE:-}" ]]; then
      printf '\nError: Saved plan is stale\n\nThe given plan file can no longer be applied because the state was changed\nby another operation after the plan was created.\n' >&2
      exit 1
    fi
    sha256sum "$plan" | cut -d' ' -f1 >> "$log.applied"
    echo "Apply complete! Resources: 1 added, 0 changed, 0 destroyed."
    ;;
  output)
    has -json "$@" || die "expected output -json"
    cat "${TERRAFORM_DOUBLE_OUTPUTS:?TERRAFORM_DOUBLE_OUTPUTS is not set}"
    ;;
  *) die "'$command' is not doubled" ;;
esac
