; Inno Setup script of the fieldtool installer for Windows 10/11 (Inno Setup 6). UTF-8 with a BOM, so the
; Thai of the shortcuts' comments reaches Windows as written.
;
; It installs for the one user who runs it, without administrator rights, into
; %LOCALAPPDATA%\Programs\fieldtool, adds a Start-menu entry and a desktop shortcut (with the program's icon),
; and registers an uninstaller in Settings > Apps. The uninstaller removes only what it installed: the
; officer's data lives elsewhere (%LOCALAPPDATA%\fieldtool: the database, its photos and backups, the support
; log) and is never touched, so uninstalling and installing a newer version keeps the book.
;
; Build (after PyInstaller has made dist\fieldtool\ from packaging\fieldtool.spec), from the repository root:
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\installer.iss
; which writes dist\fieldtool-setup-0.1.0.exe (.github/workflows/windows.yml does exactly this).

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{6B0F3C1E-2F5A-4C1B-9E37-0C5D2A7B8E41}
AppName=fieldtool
AppVersion={#AppVersion}
AppVerName=fieldtool {#AppVersion}
AppPublisher=fieldtool
VersionInfoVersion={#AppVersion}
; Per user, no administrator: {autopf} is then %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={autopf}\fieldtool
DisableProgramGroupPage=yes
DisableDirPage=auto
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=fieldtool-setup-{#AppVersion}
SetupIconFile=resources\icon.ico
UninstallDisplayIcon={app}\fieldtool.exe
UninstallDisplayName=fieldtool
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; An upgrade while the program is open: close it first, and open it again afterwards.
CloseApplications=yes
RestartApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; The whole one-folder build; a file left by an older version is replaced, one no longer shipped removed below.
Source: "dist\fieldtool\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; The program folder only (never the data folder): files of an older build that this one no longer has.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
; The AppUserModelID matches the one the program sets (ui/about.py), so its window groups under this entry.
Name: "{autoprograms}\fieldtool"; Filename: "{app}\fieldtool.exe"; IconFilename: "{app}\fieldtool.exe"; \
  AppUserModelID: "fieldtool.fieldtool"; Comment: "สมุดเงินกู้ ปตท. ของตำบล"
Name: "{autodesktop}\fieldtool"; Filename: "{app}\fieldtool.exe"; IconFilename: "{app}\fieldtool.exe"; \
  Tasks: desktopicon; Comment: "สมุดเงินกู้ ปตท. ของตำบล"

[Run]
Filename: "{app}\fieldtool.exe"; Description: "{cm:LaunchProgram,fieldtool}"; Flags: nowait postinstall skipifsilent
