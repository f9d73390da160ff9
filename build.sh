#!/usr/bin/env bash
# Front door of the build: find or install .NET, compile build/ only when its content changed, run the compiled build.
# The warm path compares the inputs' sizes and times with the last checked ones and execs the compiled build; on any
# difference it hashes the content and checks the compiled build is whole, as a fresh clone needs: no MSBuild.
set -eo pipefail

# The script's folder without starting a process (dirname, a subshell): the warm path is measured in milliseconds.
script_directory="${BASH_SOURCE[0]%/*}"
if [[ "$script_directory" == "${BASH_SOURCE[0]}" ]]; then script_directory=.; fi
builtin cd -- "$script_directory"
ROOT_DIRECTORY="$PWD"
builtin cd -- "$OLDPWD"
TEMP_DIRECTORY="$ROOT_DIRECTORY/.nuke/temp"
BIN_DIRECTORY="$TEMP_DIRECTORY/build-bin"
STAMP_FILE="$BIN_DIRECTORY/.inputs-stamp"
STAT_STAMP_FILE="$TEMP_DIRECTORY/build-bin.stat-stamp"
DOTNET_PATH_FILE="$BIN_DIRECTORY/.dotnet-path"
BUILD_PROJECT_FILE="$ROOT_DIRECTORY/build/_build.csproj"
DOTNET_INSTALL_DIRECTORY="$TEMP_DIRECTORY/dotnet-unix"
DOTNET_INSTALL_URL="https://dot.net/v1/dotnet-install.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_GENERATE_ASPNET_CERTIFICATE=false
# sha256sum (GNU) or shasum (macOS): the same "<hash>  <path>" lines.
if command -v sha256sum > /dev/null; then SHA256=(sha256sum); else SHA256=(shasum -a 256); fi

# What the compiled build depends on, by content (a fresh checkout has new file times, not new sources): the files
# under build/ that feed the compile (not bin/, obj/, the generated launch profiles) and the SDK and package settings.
inputs_hash() {
  (cd "$ROOT_DIRECTORY" && {
    find build \( -name bin -o -name obj -o -path build/Properties \) -prune -o -type f -print
    for file in global.json Directory.Build.props Directory.Build.targets Directory.Packages.props NuGet.config nuget.config; do
      if [[ -f "$file" ]]; then echo "$file"; fi
    done
  } | LC_ALL=C sort | tr '\n' '\0' | xargs -0 "${SHA256[@]}" | "${SHA256[@]}" | cut -c1-64)
}

# The compiled build's files and sizes: a cache restored or copied only in part does not match.
compiled_manifest() {
  (cd "$BIN_DIRECTORY" && find . -type f ! -name .inputs-stamp ! -name .dotnet-path ! -name '.stat-stamp*' | LC_ALL=C sort | tr '\n' '\0' | xargs -0 wc -c)
}

# The inputs and the compiled build's files by path, size and modification time, from one find: when nothing differs
# from the last run that checked them by content, hashing again is skipped. Any difference (an edit, a fresh clone's
# new file times, a restored or damaged cache) falls through to the content hash and the full check of the build.
# An edit that keeps both size and time (touch -r) is not seen: ./build.sh --build-inputs-hash, or delete the stamp.
stat_fingerprint() {
  local inputs=("$ROOT_DIRECTORY/build") file
  for file in global.json Directory.Build.props Directory.Build.targets Directory.Packages.props NuGet.config nuget.config; do
    if [[ -f "$ROOT_DIRECTORY/$file" ]]; then inputs+=("$ROOT_DIRECTORY/$file"); fi
  done
  local show=(-printf '%p %s %T@\n')
  if [[ "$OSTYPE" == darwin* ]]; then show=(-exec stat -f '%N %z %Fm' {} +); fi
  find "${inputs[@]}" "$BIN_DIRECTORY" \( -name bin -o -name obj -o -path "$ROOT_DIRECTORY/build/Properties" \) -prune \
    -o -type f ! -name .dotnet-path "${show[@]}"
}

# `./build.sh --build-inputs-hash` prints the hash (CI keys the compiled-build cache on it) and runs nothing.
if [[ "${1:-}" == "--build-inputs-hash" ]]; then
  inputs_hash
  exit 0
fi

if [[ -f "$STAT_STAMP_FILE" && -f "$DOTNET_PATH_FILE" ]]; then
  IFS= read -r -d '' stamped_stats < "$STAT_STAMP_FILE" || true
  if [[ "${stamped_stats%$'\n'}" == "$(stat_fingerprint)" ]]; then
    read -r DOTNET_EXE < "$DOTNET_PATH_FILE"
    if [[ -x "$DOTNET_EXE" ]]; then exec "$DOTNET_EXE" "$BIN_DIRECTORY/_build.dll" "$@"; fi
  fi
fi

INPUTS_HASH="$(inputs_hash)"
if [[ -f "$STAMP_FILE" && -f "$DOTNET_PATH_FILE" ]] && { read -r stamped_hash < "$STAMP_FILE"; [[ "$stamped_hash" == "$INPUTS_HASH" ]]; }; then
  read -r DOTNET_EXE < "$DOTNET_PATH_FILE"
  if [[ -x "$DOTNET_EXE" && "$(tail -n +2 "$STAMP_FILE")" == "$(compiled_manifest)" ]]; then
    stat_fingerprint > "$STAT_STAMP_FILE.next" && mv "$STAT_STAMP_FILE.next" "$STAT_STAMP_FILE"
    exec "$DOTNET_EXE" "$BIN_DIRECTORY/_build.dll" "$@"
  fi
fi

fail() { echo "build.sh: $*" >&2; exit 1; }

required_sdk() {
  sed -n 's/.*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$ROOT_DIRECTORY/global.json" | head -n 1
}

# global.json rolls forward within the feature band's major.minor: 10.0.100 accepts 10.0.1xx and later 10.0.x.
sdk_satisfies() {
  local have="$1" want="$2"
  [[ "${have%%-*}" == "$have" ]] || return 1
  IFS=. read -r have_major have_minor have_patch <<< "$have"
  IFS=. read -r want_major want_minor want_patch <<< "$want"
  [[ "$have_major" == "$want_major" && "$have_minor" == "$want_minor" && "$have_patch" -ge "$want_patch" ]]
}

find_dotnet() {
  local want candidate
  want="$(required_sdk)"
  for candidate in "$(command -v dotnet || true)" "$DOTNET_INSTALL_DIRECTORY/dotnet"; do
    [[ -n "$candidate" && -x "$candidate" ]] || continue
    while read -r version _; do
      if sdk_satisfies "$version" "$want"; then echo "$candidate"; return 0; fi
    done < <("$candidate" --list-sdks 2>/dev/null)
  done
  return 1
}

install_dotnet() {
  local want script="$TEMP_DIRECTORY/dotnet-install.sh"
  want="$(required_sdk)"
  echo "build.sh: no .NET SDK ${want} (or a later patch) found; installing it into .nuke/temp/dotnet-unix" >&2
  mkdir -p "$TEMP_DIRECTORY"
  if command -v curl > /dev/null; then
    curl -fsSL --retry 2 -o "$script" "$DOTNET_INSTALL_URL" || fail "cannot download $DOTNET_INSTALL_URL (offline?); install the .NET SDK ${want} and put dotnet on PATH"
  else
    wget -q -O "$script" "$DOTNET_INSTALL_URL" || fail "cannot download $DOTNET_INSTALL_URL (offline?); install the .NET SDK ${want} and put dotnet on PATH"
  fi
  bash "$script" --install-dir "$DOTNET_INSTALL_DIRECTORY" --jsonfile "$ROOT_DIRECTORY/global.json" --no-path \
    || fail "dotnet-install.sh could not install .NET SDK ${want}"
}

runtime_identifier() {
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=osx ;; *) return 1 ;; esac
  case "$(uname -m)" in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) return 1 ;; esac
  echo "$os-$arch"
}

# ReadyToRun (precompiled) code halves the JIT work of every start; plain IL is the fallback where the
# crossgen package cannot be had (an unusual platform, an offline machine without it in the cache).
compile_build() {
  local rid
  if rid="$(runtime_identifier)" && "$DOTNET_EXE" publish "$BUILD_PROJECT_FILE" --configuration Release --output "$BIN_DIRECTORY" \
      --runtime "$rid" --self-contained false -p:PublishReadyToRun=true \
      --nologo --verbosity quiet -tl:off > "$TEMP_DIRECTORY/compile.log" 2>&1; then
    return 0
  fi
  grep -qiE 'crossgen|NETSDK1094|NETSDK1095|Unable to find package|NU1101|NU1102' "$TEMP_DIRECTORY/compile.log" || return 1
  echo "build.sh: ReadyToRun compilation is not available here; compiling plain IL" >&2
  "$DOTNET_EXE" build "$BUILD_PROJECT_FILE" --configuration Release --output "$BIN_DIRECTORY" \
    --nologo --verbosity quiet -tl:off > "$TEMP_DIRECTORY/compile.log" 2>&1
}

mkdir -p "$BIN_DIRECTORY"
exec 9> "$TEMP_DIRECTORY/build.lock"
command -v flock > /dev/null && flock 9   # two cold starts at once compile once

DOTNET_EXE="$(find_dotnet || true)"
if [[ -z "$DOTNET_EXE" ]]; then
  install_dotnet
  DOTNET_EXE="$(find_dotnet)" || fail "the installed .NET SDK does not satisfy global.json"
fi

stamp_is_current() {
  [[ -f "$STAMP_FILE" ]] && [[ "$(head -n 1 "$STAMP_FILE")" == "$INPUTS_HASH" && "$(tail -n +2 "$STAMP_FILE")" == "$(compiled_manifest)" ]]
}

if ! stamp_is_current; then
  echo "build.sh: compiling build/ (its sources changed, or no complete compiled build matches them)" >&2
  # A clean output: an interrupted compile leaves no stamp (the next run compiles again), and a damaged file from a
  # partial cache restore is replaced, not skipped as up to date.
  rm -rf "$BIN_DIRECTORY"
  mkdir -p "$BIN_DIRECTORY"
  if ! compile_build; then
    grep -E 'error|warning' "$TEMP_DIRECTORY/compile.log" | sort -u >&2 || cat "$TEMP_DIRECTORY/compile.log" >&2
    fail "compiling build/ failed (full output: .nuke/temp/compile.log)"
  fi
  { echo "$INPUTS_HASH"; compiled_manifest; } > "$TEMP_DIRECTORY/inputs-stamp.next"
  mv "$TEMP_DIRECTORY/inputs-stamp.next" "$STAMP_FILE"
fi
echo "$DOTNET_EXE" > "$DOTNET_PATH_FILE"
stat_fingerprint > "$STAT_STAMP_FILE.next" && mv "$STAT_STAMP_FILE.next" "$STAT_STAMP_FILE"
flock -u 9 2> /dev/null || true

exec "$DOTNET_EXE" "$BIN_DIRECTORY/_build.dll" "$@"
