; Inno Setup script: per-user install (no admin), Start-menu entry, uninstaller.
; Build: iscc /DAppVersion=0.1.0 /DSourceDir=..\..\dist\desktop-search packaging\windows\desktop-search.iss
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\desktop-search"
#endif

[Setup]
AppId={{6A1E7C52-3B7E-4E2B-9C5F-0D5E1B7A9C31}
AppName=Desktop Search
AppVersion={#AppVersion}
AppPublisher=Desktop Search
DefaultDirName={localappdata}\Programs\Desktop Search
DefaultGroupName=Desktop Search
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename=DesktopSearch-{#AppVersion}-setup
SetupIconFile=desktop-search.ico
UninstallDisplayIcon={app}\desktop-search.exe
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Desktop Search"; Filename: "{app}\desktop-search.exe"; Parameters: "gui"
Name: "{group}\Uninstall Desktop Search"; Filename: "{uninstallexe}"
Name: "{userdesktop}\Desktop Search"; Filename: "{app}\desktop-search.exe"; Parameters: "gui"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\desktop-search.exe"; Parameters: "gui"; Description: "Start Desktop Search"; Flags: nowait postinstall skipifsilent
