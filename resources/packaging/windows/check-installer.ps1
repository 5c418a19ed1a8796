<#
Check the Windows installer as a user meets it: install silently (twice, as an update over itself would),
check what it installed, uninstall, and check that it removed its own files and entries and nothing of
the user's:

    pwsh resources/packaging/windows/check-installer.ps1 dist\newsarchive-<version>-windows-x64-setup.exe

For a throwaway machine such as a CI runner: it installs into, and uninstalls from, the current user's
profile, and leaves a small library in the app's default location (whose survival it checks). Needs the
project's Python environment on PATH, to ask the app's own code where that location is.
Prints one line per check; exits 1 when any failed.
#>
param([Parameter(Mandatory = $true)] [string] $Installer)
$ErrorActionPreference = 'Stop'
$root = (Resolve-Path (Join-Path $PSScriptRoot '..\..\..')).Path
$Installer = (Resolve-Path $Installer).Path
$version = (Select-String -Path (Join-Path $root 'pyproject.toml') -Pattern '^version = "(.+)"$' |
    Select-Object -First 1).Matches[0].Groups[1].Value

# What newsarchive.iss installs.
$app = Join-Path $env:LOCALAPPDATA 'Programs\News Archive'
$progId = 'NewsArchive.Document'
$extensions = '.html', '.htm', '.xhtml', '.mhtml', '.mht', '.eml', '.txt'
$classes = 'HKCU:\Software\Classes'
$uninstallKey = 'HKCU:\Software\Microsoft\Windows\CurrentVersion\Uninstall\{B5B372B9-ACD8-4888-B962-7D46D1832999}_is1'
$shortcut = Join-Path ([Environment]::GetFolderPath('Programs')) 'News Archive.lnk'
$openCommand = "`"$app\newsarchive.exe`" `"%1`""

$failures = [System.Collections.Generic.List[string]]::new()
function Check([bool] $ok, [string] $what) {
    if ($ok) { Write-Host "ok   $what" } else { Write-Host "FAIL $what"; $failures.Add($what) }
}
function Get-RegistryValue([string] $key, [string] $name) {
    $item = Get-Item -LiteralPath $key -ErrorAction SilentlyContinue
    if ($item) { $item.GetValue($name) } else { $null }
}
function Test-OpenWith([string] $extension) {
    $item = Get-Item -LiteralPath "$classes\$extension\OpenWithProgids" -ErrorAction SilentlyContinue
    [bool]($item -and ($item.GetValueNames() -contains $progId))
}

# The library a user would have, in the app's default location, which uninstalling must leave alone.
# (From the repository's root, where `indexer` is importable as it is.)
Remove-Item Env:\NEWSARCHIVE_LIBRARY -ErrorAction SilentlyContinue
Push-Location $root
try {
    $library = (& python -c 'from indexer.paths import default_library; print(default_library())' | Out-String).Trim()
    if ($LASTEXITCODE -ne 0 -or -not $library) { throw 'check-installer: python could not name the default library' }
} finally {
    Pop-Location
}

foreach ($round in 'install', 'install over itself') {
    $log = Join-Path ([IO.Path]::GetTempPath()) "newsarchive-setup-$($round -replace ' ', '-').log"
    $run = Start-Process -FilePath $Installer -Wait -PassThru `
        -ArgumentList '/VERYSILENT', '/SUPPRESSMSGBOXES', '/NORESTART', "/LOG=`"$log`""
    Check ($run.ExitCode -eq 0) "$round`: setup exit code $($run.ExitCode) (log: $log)"
}

Check (Test-Path "$app\newsarchive.exe") "installed $app\newsarchive.exe"
Check (Test-Path "$app\newsarchive-cli.exe") "installed $app\newsarchive-cli.exe"
$said = (& "$app\newsarchive-cli.exe" --version | Out-String).Trim()
Check ($said -eq "newsarchive $version") "newsarchive-cli.exe --version says '$said'"
# A windowed program that fails shows a message box and waits for a click: give it a minute, no more.
$gui = Start-Process -FilePath "$app\newsarchive.exe" -ArgumentList '--version' -PassThru
$null = $gui.Handle  # keeps the process handle, without which ExitCode reads empty after the exit
if ($gui.WaitForExit(60000)) {
    Check ($gui.ExitCode -eq 0) "the windowed newsarchive.exe --version exits $($gui.ExitCode)"
} else {
    Stop-Process -Id $gui.Id -Force
    Check $false 'the windowed newsarchive.exe --version exits within a minute'
}
& "$app\newsarchive-cli.exe" import (Join-Path $root 'resources\demo\harbor-ledger-eelgrass.txt')
Check ($LASTEXITCODE -eq 0 -and (Test-Path (Join-Path $library 'library.sqlite3'))) "imported into the default library $library"
Check (Test-Path $shortcut) "Start-menu entry $shortcut"
Check ((Get-RegistryValue "$classes\$progId\shell\open\command" '') -eq $openCommand) "$progId opens with $openCommand"
Check ((Get-RegistryValue "$classes\Applications\newsarchive.exe" 'FriendlyAppName') -eq 'News Archive') 'Applications\newsarchive.exe names the app'
Check ((Get-RegistryValue $uninstallKey 'DisplayVersion') -eq $version) "Apps & features lists version $version"
foreach ($extension in $extensions) {
    Check (Test-OpenWith $extension) "$extension offers News Archive in Open with"
    Check ((Get-RegistryValue "$classes\$extension" '') -ne $progId) "$extension keeps its default program"
}

$uninstaller = Join-Path $app 'unins000.exe'
$run = Start-Process -FilePath $uninstaller -Wait -PassThru -ArgumentList '/VERYSILENT', '/SUPPRESSMSGBOXES', '/NORESTART'
Check ($run.ExitCode -eq 0) "uninstaller exit code $($run.ExitCode)"
# The uninstaller hands over to a copy of itself in the temporary folder and may return before it is done;
# the program's folder goes last.
for ($i = 0; $i -lt 120 -and (Test-Path $app); $i++) { Start-Sleep -Seconds 1 }

Check (-not (Test-Path $app)) "removed $app"
Check (-not (Test-Path $shortcut)) 'removed the Start-menu entry'
Check (-not (Test-Path -LiteralPath "$classes\$progId")) "removed $progId"
Check (-not (Test-Path -LiteralPath "$classes\Applications\newsarchive.exe")) 'removed Applications\newsarchive.exe'
Check (-not (Test-Path -LiteralPath $uninstallKey)) 'removed the Apps & features entry'
foreach ($extension in $extensions) {
    Check (-not (Test-OpenWith $extension)) "$extension no longer offers News Archive"
}
Check (Test-Path (Join-Path $library 'library.sqlite3')) "kept the user's library $library"

if ($failures.Count) {
    Write-Host "check-installer: $($failures.Count) check(s) FAILED"
    exit 1
}
Write-Host 'check-installer: every check passed'
