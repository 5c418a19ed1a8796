<#
Sign Windows executables with News Archive's code-signing certificate, and verify the signatures:

    pwsh -NoProfile -File resources/packaging/windows/sign.ps1 FILE...

Reads the certificate (.pfx) from the file named by WINDOWS_CERTIFICATE_FILE and its password from
WINDOWS_CERTIFICATE_PASSWORD; the release workflow writes the one from its secrets and passes the other.
WINDOWS_TIMESTAMP_URL names the RFC 3161 time-stamp server (default: DigiCert's), so that signatures stay
valid after the certificate expires. Uses signtool.exe from the newest Windows SDK installed.
The release workflow runs it on newsarchive.exe and newsarchive-cli.exe; Inno Setup runs it on the
installer and the uninstaller (build-installer.ps1).
#>
param(
    [Parameter(Mandatory = $true, ValueFromRemainingArguments = $true)]
    [string[]] $Files
)
$ErrorActionPreference = 'Stop'
$Files = $Files | ForEach-Object { (Resolve-Path -LiteralPath $_).Path }

foreach ($name in 'WINDOWS_CERTIFICATE_FILE', 'WINDOWS_CERTIFICATE_PASSWORD') {
    if (-not [Environment]::GetEnvironmentVariable($name)) { throw "sign: $name is not set" }
}
$timestamp = if ($env:WINDOWS_TIMESTAMP_URL) { $env:WINDOWS_TIMESTAMP_URL } else { 'http://timestamp.digicert.com' }

# The Windows SDK keeps one bin\<version>\ folder per SDK version.
$kits = Join-Path ${env:ProgramFiles(x86)} 'Windows Kits\10\bin'
$signtool = Get-ChildItem -Path $kits -Directory -ErrorAction SilentlyContinue |
    Where-Object { $_.Name -match '^\d+(\.\d+)+$' -and (Test-Path (Join-Path $_.FullName 'x64\signtool.exe')) } |
    Sort-Object { [version]$_.Name } -Descending |
    Select-Object -First 1 |
    ForEach-Object { Join-Path $_.FullName 'x64\signtool.exe' }
if (-not $signtool) { throw "sign: no signtool.exe under $kits (it comes with the Windows SDK)" }

# Time-stamp servers fail now and then: try a few times before giving up.
for ($attempt = 1; ; $attempt++) {
    & $signtool sign /fd SHA256 /td SHA256 /tr $timestamp `
        /f $env:WINDOWS_CERTIFICATE_FILE /p $env:WINDOWS_CERTIFICATE_PASSWORD $Files
    if ($LASTEXITCODE -eq 0) { break }
    if ($attempt -ge 3) { throw "sign: signtool sign failed ($LASTEXITCODE)" }
    Start-Sleep -Seconds (10 * $attempt)
}
& $signtool verify /pa $Files
if ($LASTEXITCODE -ne 0) { throw "sign: signtool verify failed ($LASTEXITCODE)" }
