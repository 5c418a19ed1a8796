<#
Build the Windows installer of News Archive from the PyInstaller bundle:

    pwsh resources/packaging/windows/build-installer.ps1

from any folder, after the PyInstaller build (dist\newsarchive\) and make_icons.py (build\icons\); see
resources/packaging/README.md. Writes dist\newsarchive-<version>-windows-x64-setup.exe, with the version
read from pyproject.toml, its one source.

Uses Inno Setup's ISCC.exe from PATH or from Inno Setup's install folders, and installs Inno Setup with
Chocolatey when it is in neither. When WINDOWS_CERTIFICATE_FILE is set, Inno Setup signs the installer and
its uninstaller with sign.ps1 beside this script (which reads that and WINDOWS_CERTIFICATE_PASSWORD).
#>
$ErrorActionPreference = 'Stop'
$root = (Resolve-Path (Join-Path $PSScriptRoot '..\..\..')).Path

# The same reading of pyproject.toml as build-linux.sh: the first line `version = "..."`.
$match = Select-String -Path (Join-Path $root 'pyproject.toml') -Pattern '^version = "(.+)"$' | Select-Object -First 1
if (-not $match) { throw 'build-installer: no version in pyproject.toml' }
$version = $match.Matches[0].Groups[1].Value

function Find-Iscc {
    $command = Get-Command ISCC.exe -ErrorAction SilentlyContinue
    if ($command) { return $command.Source }
    # Inno Setup 6 installs under Program Files (x86); the 64-bit Inno Setup 7 under Program Files; a
    # per-user install under %LOCALAPPDATA%\Programs. The highest version wins.
    $bases = ${env:ProgramFiles(x86)}, $env:ProgramFiles, (Join-Path $env:LOCALAPPDATA 'Programs') | Where-Object { $_ }
    $found = foreach ($base in $bases) {
        Get-ChildItem -Path (Join-Path $base 'Inno Setup *\ISCC.exe') -ErrorAction SilentlyContinue
    }
    $found | Sort-Object { $_.Directory.Name } -Descending | Select-Object -First 1 -ExpandProperty FullName
}

$iscc = Find-Iscc
if (-not $iscc) {
    Write-Host 'build-installer: Inno Setup is not installed; installing it with Chocolatey'
    choco install innosetup --yes --no-progress
    if ($LASTEXITCODE -ne 0) { throw "build-installer: choco install innosetup failed ($LASTEXITCODE)" }
    $iscc = Find-Iscc
    if (-not $iscc) { throw 'build-installer: ISCC.exe not found after installing Inno Setup' }
}
Write-Host "build-installer: News Archive $version with $iscc"

$arguments = @(
    "/DAppVersion=$version",
    "/DBundleDir=$(Join-Path $root 'dist\newsarchive')",
    "/DIconFile=$(Join-Path $root 'build\icons\newsarchive.ico')",
    "/DOutputDir=$(Join-Path $root 'dist')"
)
if ($env:WINDOWS_CERTIFICATE_FILE) {
    # The Sign Tool's command, run by ISCC for each file it signs: $f is the quoted file, $q a quote. The
    # argument itself holds no quote, which PowerShell would escape in a way ISCC does not read.
    $pwsh = (Get-Process -Id $PID).Path
    $sign = Join-Path $PSScriptRoot 'sign.ps1'
    $arguments += "/Snewsarchive=`$q$pwsh`$q -NoProfile -File `$q$sign`$q `$f"
    $arguments += '/DSign'
}
& $iscc @arguments (Join-Path $PSScriptRoot 'newsarchive.iss')
if ($LASTEXITCODE -ne 0) { throw "build-installer: ISCC failed ($LASTEXITCODE)" }

$installer = Join-Path $root "dist\newsarchive-$version-windows-x64-setup.exe"
if (-not (Test-Path $installer)) { throw "build-installer: $installer was not written" }
$megabytes = [math]::Round((Get-Item $installer).Length / 1048576, 1)
Write-Host "build-installer: wrote $installer ($megabytes MB)"
