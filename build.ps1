#!/usr/bin/env pwsh
# Front door of the build on Windows (and anywhere PowerShell 7 runs): find or install .NET, compile build/
# only when it changed, run the compiled build directly. Mirrors build.sh.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$RootDirectory = $PSScriptRoot
$TempDirectory = Join-Path $RootDirectory '.nuke/temp'
$BinDirectory = Join-Path $TempDirectory 'build-bin'
$StampFile = Join-Path $BinDirectory '.inputs-stamp'
$DotnetPathFile = Join-Path $TempDirectory 'dotnet-path'
$BuildProjectFile = Join-Path $RootDirectory 'build/_build.csproj'
$DotnetInstallDirectory = Join-Path $TempDirectory 'dotnet-win'
$DotnetInstallUrl = 'https://dot.net/v1/dotnet-install.ps1'

$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

function Test-InputsChanged {
    if (-not (Test-Path $StampFile)) { return $true }
    # -Force: on Linux and macOS a dot file is hidden, and Get-Item refuses hidden items without it.
    $stamp = (Get-Item -Force $StampFile).LastWriteTimeUtc
    $buildDirectory = Join-Path $RootDirectory 'build'
    # Files only: a directory's time changes when the compile creates bin/ or obj/ inside it.
    $inputs = Get-ChildItem -Path $buildDirectory -Recurse -Force -File |
        Where-Object { $_.FullName -notmatch '[\\/](bin|obj)([\\/]|$)' -and $_.FullName -notmatch '[\\/]build[\\/]Properties([\\/]|$)' }
    foreach ($name in 'global.json', 'Directory.Build.props', 'Directory.Build.targets', 'Directory.Packages.props', 'NuGet.config') {
        $file = Join-Path $RootDirectory $name
        if (Test-Path $file) { $inputs += Get-Item $file }
    }
    return [bool]($inputs | Where-Object { $_.LastWriteTimeUtc -gt $stamp } | Select-Object -First 1)
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

if (-not (Test-InputsChanged) -and (Test-Path $DotnetPathFile)) {
    $dotnet = (Get-Content $DotnetPathFile -Raw).Trim()
    & $dotnet (Join-Path $BinDirectory '_build.dll') @args
    exit $LASTEXITCODE
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

if (Test-InputsChanged) {
    Write-Host 'build.ps1: compiling build/ (its sources changed)'
    $next = "$StampFile.next"
    Set-Content -Path $next -Value ''
    $log = Join-Path $TempDirectory 'compile.log'
    & $dotnet build $BuildProjectFile --configuration Release --output $BinDirectory --nologo --verbosity quiet -tl:off *> $log
    if ($LASTEXITCODE -ne 0) {
        Get-Content $log | Select-String -Pattern 'error|warning' | Sort-Object -Unique | ForEach-Object { Write-Host $_ }
        Write-Error 'build.ps1: compiling build/ failed (full output: .nuke/temp/compile.log)'
        exit 1
    }
    Move-Item -Force $next $StampFile
}
Set-Content -Path $DotnetPathFile -Value $dotnet

& $dotnet (Join-Path $BinDirectory '_build.dll') @args
exit $LASTEXITCODE
