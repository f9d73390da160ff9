#!/usr/bin/env bash
# A test double of the packer CLI for `build`: checks its arguments, prints machine-readable lines as
# packer 1.6 does, and writes a real-shaped manifest (with an older run in it, as appended manifests have).
# `version` answers like packer; everything else is refused so a test cannot silently rely on the double.
#   PACKER_DOUBLE_LOG      file that receives each invocation's arguments (one line per call)
#   PACKER_DOUBLE_VERSION  version to report (default 1.6.6)
#   PACKER_DOUBLE_AMI      AMI id to "build" (default ami-0fedcba9876543210)
#   PACKER_DOUBLE_FAIL     non-empty: the build fails with packer-style error lines
#   PACKER_DOUBLE_HANG     non-empty: the build waits (writes <log>.hanging) until interrupted, then "cleans up" (writes <log>.interrupted)
#   PACKER_DOUBLE_SILENT   seconds the build prints nothing while "waiting for the AMI", as packer does
set -euo pipefail
[[ -n "${PACKER_DOUBLE_LOG:-}" ]] && printf '%s\n' "$*" >> "$PACKER_DOUBLE_LOG"

now() { date +%s; }
ui() { printf '%s,,ui,%s,%s\n' "$(now)" "$1" "$2"; }

case "${1:-}" in
  version) echo "Packer v${PACKER_DOUBLE_VERSION:-1.6.6}"; exit 0 ;;
  build) shift ;;
  *) echo "packer-double: '${1:-}' is not doubled; use the real packer" >&2; exit 64 ;;
esac

declare -A vars=()
machine_readable=false
while (( $# > 0 )); do
  case "$1" in
    -machine-readable) machine_readable=true ;;
    -color=false) ;;
    -var) vars["${2%%=*}"]="${2#*=}"; shift ;;
    .) ;;
    *) echo "packer-double: unexpected argument '$1'" >&2; exit 64 ;;
  esac
  shift
done
$machine_readable || { echo "packer-double: expected -machine-readable" >&2; exit 64; }
for required in region manifest_path inputs_hash git_commit project; do
  [[ -n "${vars[$required]:-}" ]] || { echo "packer-double: missing -var $required" >&2; exit 64; }
done
[[ "${vars[inputs_hash]}" =~ ^[0-9a-f]{64}$ ]] || { echo "packer-double: inputs_hash is not a sha256" >&2; exit 64; }
[[ -n "${AWS_ACCESS_KEY_ID:-}${AWS_PROFILE:-}" ]] || { echo "packer-double: no AWS credentials in the environment" >&2; exit 64; }

region="${vars[region]}"
ami="${PACKER_DOUBLE_AMI:-ami-0fedcba9876543210}"
ui say "==> amazon-ebs.ubuntu: Prevalidating any provided VPC information"
ui message "    amazon-ebs.ubuntu: Found Image ID: ami-0c1c30571d2dae5c9"
ui message "    amazon-ebs.ubuntu: + apt-get install -y python3%!(PACKER_COMMA) nginx"

if [[ -n "${PACKER_DOUBLE_HANG:-}" ]]; then
  trap 'ui say "==> amazon-ebs.ubuntu: Terminating the source AWS instance..."; touch "${PACKER_DOUBLE_LOG:-/tmp/packer-double}.interrupted"; exit 1' INT TERM
  ui say "==> amazon-ebs.ubuntu: Waiting for SSH to become available..."
  touch "${PACKER_DOUBLE_LOG:-/tmp/packer-double}.hanging"  # the trap is set: an interrupt now is handled
  while true; do sleep 0.1; done
fi

if [[ -n "${PACKER_DOUBLE_SILENT:-}" ]]; then
  ui say "==> amazon-ebs.ubuntu: Waiting for AMI to become ready..."
  sleep "$PACKER_DOUBLE_SILENT"
fi

if [[ -n "${PACKER_DOUBLE_FAIL:-}" ]]; then
  ui error "Build 'amazon-ebs.ubuntu' errored after 41 seconds 12 milliseconds: Script exited with non-zero exit status: 100.Allowed exit codes are: [0]"
  ui error "\n==> Some builds didn't complete successfully and had errors:\n--> amazon-ebs.ubuntu: Script exited with non-zero exit status: 100"
  exit 1
fi

ui say "==> Builds finished. The artifacts of successful builds are:"
t="$(now)"
echo "$t,amazon-ebs.ubuntu,artifact-count,1"
echo "$t,amazon-ebs.ubuntu,artifact,0,builder-id,mitchellh.amazonebs"
echo "$t,amazon-ebs.ubuntu,artifact,0,id,$region:$ami"
echo "$t,amazon-ebs.ubuntu,artifact,0,string,AMIs were created:\\n$region: $ami\\n"
echo "$t,amazon-ebs.ubuntu,artifact,0,end"

mkdir -p "$(dirname "${vars[manifest_path]}")"
cat > "${vars[manifest_path]}" <<JSON
{
  "builds": [
    {
      "name": "ubuntu",
      "builder_type": "amazon-ebs",
      "build_time": 1700000000,
      "files": null,
      "artifact_id": "$region:ami-0000000000000old",
      "packer_run_uuid": "11111111-1111-1111-1111-111111111111",
      "custom_data": { "inputs_hash": "previous", "git_commit": "previous" }
    },
    {
      "name": "ubuntu",
      "builder_type": "amazon-ebs",
      "build_time": $t,
      "files": null,
      "artifact_id": "$region:$ami",
      "packer_run_uuid": "22222222-2222-2222-2222-222222222222",
      "custom_data": { "inputs_hash": "${vars[inputs_hash]}", "git_commit": "${vars[git_commit]}" }
    }
  ],
  "last_run_uuid": "22222222-2222-2222-2222-222222222222"
}
JSON
