; News Archive for Windows: a per-user installer of the PyInstaller onedir, for Inno Setup 6.3 or newer.
;
;   iscc /DAppVersion=0.1.0 resources\packaging\windows\newsarchive.iss
;
; after the build (dist\newsarchive\ with newsarchive.exe and newsarchive-cli.exe) and make_icons.py
; (build\icons\newsarchive.ico). Writes dist\newsarchive-<version>-windows-x64-setup.exe.
; build-installer.ps1 beside this file runs it with the version read from pyproject.toml, the version's one
; source; /DBundleDir=, /DIconFile= and /DOutputDir= name other folders. With /DSign it signs the installer
; and its uninstaller through the Sign Tool "newsarchive", which the command line defines (/Snewsarchive=...).
;
; What it does, and what it never does:
; - installs for the current user only, without administrator rights, under %LOCALAPPDATA%\Programs;
; - adds a Start-menu entry (and a desktop icon when asked);
; - offers News Archive in "Open with" for the formats it imports, under a ProgID of its own: it never
;   makes itself the default program of a file type, and never changes another program's entries;
; - uninstalls the program, its shortcuts and its registry entries, and nothing else: the users' libraries
;   and settings (under %LOCALAPPDATA%\NewsArchive) are never touched.

#ifndef AppVersion
  #error Pass the version from pyproject.toml: iscc /DAppVersion=X.Y.Z newsarchive.iss
#endif
#ifndef BundleDir
  #define BundleDir AddBackslash(SourcePath) + "..\..\..\dist\newsarchive"
#endif
#ifndef IconFile
  #define IconFile AddBackslash(SourcePath) + "..\..\..\build\icons\newsarchive.ico"
#endif
#ifndef OutputDir
  #define OutputDir AddBackslash(SourcePath) + "..\..\..\dist"
#endif
#if !FileExists(BundleDir + "\newsarchive.exe") || !FileExists(BundleDir + "\newsarchive-cli.exe")
  #error The PyInstaller bundle is missing: build it first (see resources\packaging\README.md)
#endif
#if !FileExists(IconFile)
  #error The icon is missing: python resources\packaging\make_icons.py build\icons
#endif

; The windowed program, which "Open with" and the Start menu run. newsarchive-cli.exe beside it is the
; command line, with a console of its own.
#define AppExe "newsarchive.exe"
; The ProgID that "Open with" offers News Archive under.
#define ProgId "NewsArchive.Document"

[Setup]
; Identifies the installation across versions (upgrades, Apps & features): never change it.
AppId={{B5B372B9-ACD8-4888-B962-7D46D1832999}
AppName=News Archive
AppVersion={#AppVersion}
AppVerName=News Archive {#AppVersion}
AppPublisher=News Archive
AppCopyright=MIT License
; Per user only: no UAC prompt, nothing written for other users. {userpf} is %LOCALAPPDATA%\Programs, where
; Windows keeps per-user programs; the registry entries below go to HKCU accordingly.
PrivilegesRequired=lowest
DefaultDirName={userpf}\News Archive
DefaultGroupName=News Archive
DisableProgramGroupPage=yes
; The bundle holds 64-bit Python and Qt; Qt 6 needs Windows 10 or newer.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName=News Archive
OutputDir={#OutputDir}
OutputBaseFilename=newsarchive-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Tells Explorer to reread the file associations after installing and uninstalling.
ChangesAssociations=yes
; A running News Archive holds its files open: setup asks to close it before replacing them.
CloseApplications=yes
RestartApplications=no
#ifdef Sign
; Signs the installer and the uninstaller that setup writes (files signed after compiling would leave the
; uninstaller unsigned).
SignTool=newsarchive
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An update replaces the whole bundle: a module the new version no longer has must not stay behind and be
; imported. Only the program's own folder is cleared; nothing of the user's lives there.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\News Archive"; Filename: "{app}\{#AppExe}"; Comment: "Your offline archive of saved news articles"
Name: "{autodesktop}\News Archive"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The ProgID: the command "Open with > News Archive" runs, and the icon it shows. It is the app's own, so
; uninstalling deletes it whole.
Root: HKCU; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Saved article"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

; The application's own entry: its name in the "Open with" list, and the types it opens.
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "News Archive"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

; Each extension lists the ProgID among its OpenWithProgids, a list every program adds itself to, and the
; extension's default value (its default program) is left as it is. Uninstalling removes only that one
; value, then the keys this setup may have created, and only if nothing else is left in them (entries are
; undone in reverse order).
Root: HKCU; Subkey: "Software\Classes\.html"; Flags: uninsdeletekeyifempty
Root: HKCU; Subkey: "Software\Classes\.html\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".html"; ValueData: ""

Root: HKCU; Subkey: "Software\Classes\.htm"; Flags: uninsdeletekeyifempty
Root: HKCU; Subkey: "Software\Classes\.htm\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".htm"; ValueData: ""

Root: HKCU; Subkey: "Software\Classes\.xhtml"; Flags: uninsdeletekeyifempty
Root: HKCU; Subkey: "Software\Classes\.xhtml\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".xhtml"; ValueData: ""

Root: HKCU; Subkey: "Software\Classes\.mhtml"; Flags: uninsdeletekeyifempty
Root: HKCU; Subkey: "Software\Classes\.mhtml\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".mhtml"; ValueData: ""

Root: HKCU; Subkey: "Software\Classes\.mht"; Flags: uninsdeletekeyifempty
Root: HKCU; Subkey: "Software\Classes\.mht\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".mht"; ValueData: ""

Root: HKCU; Subkey: "Software\Classes\.eml"; Flags: uninsdeletekeyifempty
Root: HKCU; Subkey: "Software\Classes\.eml\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".eml"; ValueData: ""

Root: HKCU; Subkey: "Software\Classes\.txt"; Flags: uninsdeletekeyifempty
Root: HKCU; Subkey: "Software\Classes\.txt\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".txt"; ValueData: ""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,News Archive}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] section, on purpose: the uninstaller removes what setup installed and the entries
; flagged above, never a folder it did not create.
