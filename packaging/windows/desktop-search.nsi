; NSIS script for Desktop Search: a per-user install (no administrator rights) of the folder that
; packaging/windows/build_installer.py assembles (CPython for Windows + the app's wheels + two launchers).
; Built by that script: makensis -DVERSION=… -DTREE=… -DOUTFILE=… -DICON=… [-DCOMPRESSOR=zlib] desktop-search.nsi
Target amd64-unicode  ; a 64-bit installer for a 64-bit-only app (and one that 64-bit Wine can run)
ManifestDPIAware true
!ifndef COMPRESSOR
  !define COMPRESSOR "lzma"
!endif
!if "${COMPRESSOR}" == "lzma"
  SetCompressor /SOLID lzma
  SetCompressorDictSize 64
!else
  SetCompressor ${COMPRESSOR}
!endif

!include "MUI2.nsh"
!include "x64.nsh"

!define APP "Desktop Search"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\DesktopSearch"
; What the app itself writes for the user: platformdirs' data folder and the "start at login" entry.
!define DATA_DIR "$LOCALAPPDATA\desktop-search"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"

Name "${APP}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${APP} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP} installer"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "MIT licence"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP}.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APP} needs 64-bit Windows 10 or later."
    Abort
  ${EndIf}
FunctionEnd

; A running copy keeps python313.dll loaded, and Windows refuses to delete a loaded DLL: deleting it first
; tells whether the app runs (a tray icon keeps it alive after its window is closed) before anything else goes.
!macro StopIfRunning
  IfFileExists "$INSTDIR\python\python313.dll" 0 +5
    ClearErrors
    Delete "$INSTDIR\python\python313.dll"
    IfErrors 0 +2
      Abort "${APP} is running. Quit it (its tray icon, Quit) and try again."
!macroend

Section "${APP}" SecApp
  SectionIn RO
  !insertmacro StopIfRunning
  ; An older version's files go first, so nothing stale (a removed module) is left beside the new ones.
  RMDir /r "$INSTDIR\python"
  SetOutPath "$INSTDIR"
  File /r "${TREE}\*"
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\${APP}.exe" "" "$INSTDIR\desktop-search.ico" 0

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\desktop-search.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section /o "Desktop shortcut" SecDesktop
  CreateShortCut "$DESKTOP\${APP}.lnk" "$INSTDIR\${APP}.exe" "" "$INSTDIR\desktop-search.ico" 0
SectionEnd

Section "Uninstall"
  !insertmacro StopIfRunning
  Delete "$SMPROGRAMS\${APP}.lnk"
  Delete "$DESKTOP\${APP}.lnk"
  DeleteRegValue HKCU "${RUN_KEY}" "DesktopSearch"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  RMDir /r "$INSTDIR\python"
  Delete "$INSTDIR\${APP}.exe"
  Delete "$INSTDIR\desktop-search.exe"
  Delete "$INSTDIR\desktop-search.ico"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"

  ; The index and settings are the user's: removed only when asked (a silent uninstall keeps them).
  IfFileExists "${DATA_DIR}\*.*" 0 done
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 \
      "Also remove your search index and settings?$\r$\n$\r$\n${DATA_DIR}$\r$\n$\r$\nYour documents are not touched either way." \
      /SD IDNO IDNO done
    RMDir /r "${DATA_DIR}"
  done:
SectionEnd
