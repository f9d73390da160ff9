#!/usr/bin/env pwsh
# Front door of the build on Windows (and anywhere PowerShell 7 runs): find or install .NET, compile build/
# only when it changed, run the compiled build directly. Mirrors build.sh.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$RootDirectory = $PSScriptRoot
$TempDirectory = Join-Path $RootDirectory '.nuke/temp'
$BinDirectory = Join-Path $TempDirectory 'build-bin'
$StampFile = Join-Path $BinDirectory '.inputs-stamp'
$DotnetPathFile = Join-Path $BinDirectory '.dotnet-path'
$StatStampFile = Join-Path $TempDirectory 'build-bin.ps1.stat-stamp'
$BuildProjectFile = Join-Path $RootDirectory 'build/_build.csproj'
$DotnetInstallDirectory = Join-Path $TempDirectory 'dotnet-win'
$DotnetInstallUrl = 'https://dot.net/v1/dotnet-install.ps1'

$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

# What the compiled build depends on, by content (a fresh checkout has new file times, not new sources): the files
# under build/ that feed the compile (not bin/, obj/, the generated launch profiles) and the SDK and package
# settings. The same hash as build.sh computes (sha256sum's lines, hashed), so either script can use the other's build.
function Get-InputsHash {
    $paths = [System.Collections.Generic.List[string]]::new()
    # -Force: on Linux and macOS dot files are hidden, and PowerShell skips hidden items without it.
    foreach ($file in Get-ChildItem -Path (Join-Path $RootDirectory 'build') -Recurse -Force -File) {
        $relative = [System.IO.Path]::GetRelativePath($RootDirectory, $file.FullName).Replace('\', '/')
        if ($relative -notmatch '(^|/)(bin|obj)/' -and -not $relative.StartsWith('build/Properties/')) { $paths.Add($relative) }
    }
    foreach ($name in 'global.json', 'Directory.Build.props', 'Directory.Build.targets', 'Directory.Packages.props', 'NuGet.config', 'nuget.config') {
        if (Test-Path -LiteralPath (Join-Path $RootDirectory $name) -PathType Leaf) { $paths.Add($name) }
    }
    $paths.Sort([System.StringComparer]::Ordinal)
    $lines = [System.Text.StringBuilder]::new()
    foreach ($path in $paths) {
        $hash = (Get-FileHash -Algorithm SHA256 -LiteralPath (Join-Path $RootDirectory $path)).Hash.ToLowerInvariant()
        [void]$lines.Append("$hash  $path`n")
    }
    $bytes = [System.Text.Encoding]::UTF8.GetBytes($lines.ToString())
    return [System.Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($bytes)).ToLowerInvariant()
}

# The compiled build's files and sizes: a cache restored or copied only in part does not match.
function Get-CompiledManifest {
    if (-not (Test-Path $BinDirectory)) { return '' }
    $entries = [System.Collections.Generic.List[string]]::new()
    foreach ($file in Get-ChildItem -Path $BinDirectory -Recurse -Force -File) {
        if ($file.Name -in '.inputs-stamp', '.dotnet-path') { continue }
        $entries.Add(([System.IO.Path]::GetRelativePath($BinDirectory, $file.FullName).Replace('\', '/')) + ' ' + $file.Length)
    }
    $entries.Sort([System.StringComparer]::Ordinal)
    return ($entries -join "`n")
}

# The inputs and the compiled build's files by path, size and time: when they match the last run that checked them
# by content, the content is not hashed again. Any difference falls through to the content hash, as in build.sh.
function Get-StatFingerprint {
    $lines = [System.Text.StringBuilder]::new()
    $roots = @(Join-Path $RootDirectory 'build') + @('global.json', 'Directory.Build.props', 'Directory.Build.targets', 'Directory.Packages.props', 'NuGet.config', 'nuget.config' |
        ForEach-Object { Join-Path $RootDirectory $_ } | Where-Object { Test-Path -LiteralPath $_ -PathType Leaf })
    if (Test-Path -LiteralPath $BinDirectory) { $roots += $BinDirectory }
    foreach ($root in $roots) {
        $items = if (Test-Path -LiteralPath $root -PathType Leaf) { @(Get-Item -LiteralPath $root -Force) } else { Get-ChildItem -Path $root -Recurse -Force -File }
        foreach ($file in $items) {
            $relative = [System.IO.Path]::GetRelativePath($RootDirectory, $file.FullName).Replace('\', '/')
            if ($relative -match '^build/(.*/)?(bin|obj)/' -or $relative.StartsWith('build/Properties/') -or $file.Name -eq '.dotnet-path') { continue }
            [void]$lines.Append("$relative $($file.Length) $($file.LastWriteTimeUtc.Ticks)`n")
        }
    }
    return $lines.ToString()
}

function Test-StampIsCurrent([string]$InputsHash) {
    if (-not (Test-Path -LiteralPath $StampFile)) { return $false }
    $stamp = @(Get-Content -LiteralPath $StampFile)
    if ($stamp.Count -eq 0 -or $stamp[0] -ne $InputsHash) { return $false }
    return (($stamp | Select-Object -Skip 1) -join "`n") -eq (Get-CompiledManifest)
}

function Get-RequiredSdk {
    (Get-Content (Join-Path $RootDirectory 'global.json') -Raw | ConvertFrom-Json).sdk.version
}

function Test-SdkSatisfies([string]$Have, [string]$Want) {
    if ($Have.Contains('-')) { return $false }
    $h = $Have.Split('.'); $w = $Want.Split('.')
    return $h[0] -eq $w[0] -and $h[1] -eq $w[1] -and [int]$h[2] -ge [int]$w[2]
}

function Find-Dotnet {
    $want = Get-RequiredSdk
    $candidates = @()
    $onPath = Get-Command dotnet -ErrorAction SilentlyContinue
    if ($onPath) { $candidates += $onPath.Source }
    $candidates += Join-Path $DotnetInstallDirectory 'dotnet.exe'
    $candidates += Join-Path $DotnetInstallDirectory 'dotnet'
    foreach ($candidate in $candidates) {
        if (-not (Test-Path $candidate)) { continue }
        foreach ($line in (& $candidate --list-sdks 2>$null)) {
            if (Test-SdkSatisfies ($line -split ' ')[0] $want) { return $candidate }
        }
    }
    return $null
}

if ($args.Count -eq 1 -and $args[0] -eq '--build-inputs-hash') {
    Get-InputsHash
    exit 0
}

if ((Test-Path -LiteralPath $StatStampFile) -and (Test-Path -LiteralPath $DotnetPathFile) -and
    (Get-Content -LiteralPath $StatStampFile -Raw) -eq (Get-StatFingerprint)) {
    $dotnet = (Get-Content -LiteralPath $DotnetPathFile -Raw).Trim()
    if (Test-Path -LiteralPath $dotnet) {
        & $dotnet (Join-Path $BinDirectory '_build.dll') @args
        exit $LASTEXITCODE
    }
}

$InputsHash = Get-InputsHash
if ((Test-Path -LiteralPath $DotnetPathFile) -and (Test-StampIsCurrent $InputsHash)) {
    $dotnet = (Get-Content -LiteralPath $DotnetPathFile -Raw).Trim()
    if (Test-Path -LiteralPath $dotnet) {
        Set-Content -LiteralPath $StatStampFile -Value (Get-StatFingerprint) -NoNewline
        & $dotnet (Join-Path $BinDirectory '_build.dll') @args
        exit $LASTEXITCODE
    }
}

New-Item -ItemType Directory -Force -Path $BinDirectory | Out-Null
$dotnet = Find-Dotnet
if (-not $dotnet) {
    $want = Get-RequiredSdk
    Write-Host "build.ps1: no .NET SDK $want (or a later patch) found; installing it into .nuke/temp/dotnet-win"
    $script = Join-Path $TempDirectory 'dotnet-install.ps1'
    try { Invoke-WebRequest -Uri $DotnetInstallUrl -OutFile $script -UseBasicParsing }
    catch { Write-Error "build.ps1: cannot download $DotnetInstallUrl (offline?); install the .NET SDK $want and put dotnet on PATH"; exit 1 }
    & $script -InstallDir $DotnetInstallDirectory -JSonFile (Join-Path $RootDirectory 'global.json') -NoPath
    $dotnet = Find-Dotnet
    if (-not $dotnet) { Write-Error 'build.ps1: the installed .NET SDK does not satisfy global.json'; exit 1 }
}

if (-not (Test-StampIsCurrent $InputsHash)) {
    Write-Host 'build.ps1: compiling build/ (its sources changed, or no complete compiled build matches them)'
    # A clean output: an interrupted compile leaves no stamp, and a damaged file from a partial cache restore is replaced.
    Remove-Item -Recurse -Force -LiteralPath $BinDirectory
    New-Item -ItemType Directory -Force -Path $BinDirectory | Out-Null
    $log = Join-Path $TempDirectory 'compile.log'
    & $dotnet build $BuildProjectFile --configuration Release --output $BinDirectory --nologo --verbosity quiet -tl:off *> $log
    if ($LASTEXITCODE -ne 0) {
        Get-Content $log | Select-String -Pattern 'error|warning' | Sort-Object -Unique | ForEach-Object { Write-Host $_ }
        Write-Error 'build.ps1: compiling build/ failed (full output: .nuke/temp/compile.log)'
        exit 1
    }
    $next = Join-Path $TempDirectory 'inputs-stamp.next'
    Set-Content -LiteralPath $next -Value (@($InputsHash) + @((Get-CompiledManifest) -split "`n" | Where-Object { $_ }))
    Move-Item -Force -LiteralPath $next -Destination $StampFile
}
Set-Content -Path $DotnetPathFile -Value $dotnet
Set-Content -LiteralPath $StatStampFile -Value (Get-StatFingerprint) -NoNewline

& $dotnet (Join-Path $BinDirectory '_build.dll') @args
exit $LASTEXITCODE
