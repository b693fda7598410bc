Attribute VB_Name = "DonorGuardRibbon"
' DonorGuard ribbon callbacks (customUI14.xml -> DonorGuardRibbon.<Sub>).
' ASCII only: dialog texts come from DonorGuardText (built from the Python catalogue)
' or are shown by Python. Each button runs one function of donorguard.excel through
' xlwings' RunPython and passes the add-in version so Python can refuse a mismatched
' add-in. Every public entry point has an error handler that reports the error and
' re-arms the application events: an unhandled error would reset the project and
' silently switch the save check and the live guard off.
' Built into donorguard.xlam by addin/vba/build.py; edit this file, not the .xlam.
Option Explicit

Public Const DG_VERSION As String = "{{VERSION}}"

' A selection longer than this goes to Python through a file: cmd.exe stops at 8,191
' characters per command line, and the rest of RunPython's line needs room too.
Private Const INLINE_LIMIT As Long = 2000

Private gEvents As DonorGuardEvents

' True while DonorGuard's own Python call runs: its writes are not staff's edits.
Public gBusy As Boolean

Public Sub OnRibbonLoad(ribbon As IRibbonUI)
    On Error GoTo Failed
    EnsureEvents
    Exit Sub
Failed:
    ReportError
End Sub

' Application-level events (save check, live guard). Armed when the ribbon loads
' and again by every entry point, in case a VBA reset dropped the object.
Public Sub EnsureEvents()
    On Error Resume Next
    If gEvents Is Nothing Then
        Set gEvents = New DonorGuardEvents
        Set gEvents.App = Application
    End If
End Sub

Public Sub OnSeal(control As IRibbonControl)
    On Error GoTo Failed
    RunDonorGuard "seal_book(version='" & DG_VERSION & "')"
    Exit Sub
Failed:
    ReportError
End Sub

Public Sub OnCheck(control As IRibbonControl)
    On Error GoTo Failed
    RunDonorGuard "check_book(version='" & DG_VERSION & "')"
    Exit Sub
Failed:
    ReportError
End Sub

Public Sub OnRepair(control As IRibbonControl)
    On Error GoTo Failed
    RunDonorGuard "repair_book(version='" & DG_VERSION & "')"
    Exit Sub
Failed:
    ReportError
End Sub

Public Sub OnApprove(control As IRibbonControl)
    On Error GoTo Failed
    ' The reason dialog is Python's; VBA only passes the selected rows.
    RunDonorGuard "approve_book(" & RowsArgument() & ", version='" & DG_VERSION & "')"
    Exit Sub
Failed:
    ReportError
End Sub

Public Sub OnExport(control As IRibbonControl)
    On Error GoTo Failed
    RunDonorGuard "export_book(version='" & DG_VERSION & "')"
    Exit Sub
Failed:
    ReportError
End Sub

Public Sub OnStatus(control As IRibbonControl)
    On Error GoTo Failed
    RunDonorGuard "status_book(version='" & DG_VERSION & "')"
    Exit Sub
Failed:
    ReportError
End Sub

' Run by Application.OnTime after a change the live guard's filter let through
' (DonorGuardEvents.App_SheetChange): one check for the changes of one operation.
Public Sub LiveCheckDue()
    On Error GoTo Failed
    EnsureEvents
    gEvents.RunLiveCheck
    Exit Sub
Failed:
    ReportError
End Sub

Private Sub RunDonorGuard(ByVal PyCall As String)
    EnsureEvents
    If ActiveWorkbook Is Nothing Then
        ' xlwings' RunPython needs an active workbook (Book.caller()).
        MsgBox DgText("no_workbook"), vbInformation, DgText("title")
        Exit Sub
    End If
    gBusy = True
    On Error GoTo Failed
    RunPython "import donorguard.excel as dg; dg." & PyCall
    gBusy = False
    Exit Sub
Failed:
    gBusy = False
    Err.Raise Err.Number, Err.Source, Err.Description
End Sub

' What went wrong, in the chosen language; the events are armed again after it.
Public Sub ReportError()
    Dim number As Long, description As String
    number = Err.Number
    description = Err.Description
    On Error Resume Next
    gBusy = False
    Application.StatusBar = False
    MsgBox Replace(Replace(DgText("failed"), "{number}", CStr(number)), "{error}", description), _
           vbExclamation, DgText("title")
    EnsureEvents
End Sub

' The rows argument of approve_book: rows='3:5,8:8' inline, or, for a long
' selection on Windows, rows_file=<a temporary file holding it>.
Private Function RowsArgument() As String
    Dim s As String
    s = SelectedRows()
#If Mac Then
    RowsArgument = "rows='" & s & "'"
#Else
    If Len(s) <= INLINE_LIMIT Then
        RowsArgument = "rows='" & s & "'"
    Else
        RowsArgument = "rows_file=" & PyStr(WriteTempText("rows", s))
    End If
#End If
End Function

' Selected rows of the active sheet as "3:5,8:8" (1-based, one item per area;
' only digits, ":" and "," so it is safe inside the Python command).
' Empty when the selection is not a range (a shape, a chart).
Private Function SelectedRows() As String
    Dim area As Range, s As String
    If TypeName(Selection) <> "Range" Then Exit Function
    For Each area In Selection.Areas
        If Len(s) > 0 Then s = s & ","
        s = s & CStr(area.Row) & ":" & CStr(area.Row + area.Rows.Count - 1)
    Next area
    SelectedRows = s
End Function

' A new file in the user's temporary folder: "donorguard-<what>-<time>-<random>.txt".
' Windows only. FileSystemObject works in UTF-16 throughout, so a user name outside
' the ANSI code page (which Environ, Dir$ and Open would turn into "?") is no problem.
Public Function TempFilePath(ByVal What As String) As String
    Dim fso As Object, folder As String
    Set fso = CreateObject("Scripting.FileSystemObject")
    folder = fso.GetSpecialFolder(2).Path ' TemporaryFolder
    Randomize
    Do
        TempFilePath = fso.BuildPath(folder, "donorguard-" & What & "-" & _
                       Format$(Now, "yyyymmddhhnnss") & "-" & Hex$(Int(Rnd * 2147483647#)) & ".txt")
    Loop While fso.FileExists(TempFilePath)
End Function

' Writes ASCII text to a new temporary file; returns its path (Windows only).
Private Function WriteTempText(ByVal What As String, ByVal Text As String) As String
    Dim fso As Object, f As Object
    Set fso = CreateObject("Scripting.FileSystemObject")
    WriteTempText = TempFilePath(What)
    Set f = fso.CreateTextFile(WriteTempText, False, False)
    f.Write Text
    f.Close
End Function

' A Python expression for any VBA string: its UTF-16 code units in hex.
' Workbook names and folders may hold quotes, %, ^ or Japanese text; this
' keeps them out of the Python source and the cmd.exe command line.
Public Function PyStr(ByVal s As String) As String
    Dim i As Long, h As String
    For i = 1 To Len(s)
        h = h & Right$("000" & Hex$(AscW(Mid$(s, i, 1)) And &HFFFF&), 4)
    Next i
    PyStr = "bytes.fromhex('" & h & "').decode('utf-16-be')"
End Function

' The user's profile folder as VBA's ANSI file functions can use it (Windows):
' as it is when the ANSI code page holds every character, else its 8.3 short path.
' xlwings' GetConfigFilePath calls this (patched in by build.py).
Public Function AnsiProfile() As String
    Dim p As String
    On Error Resume Next
    AnsiProfile = Environ("USERPROFILE")
    p = CreateObject("WScript.Shell").ExpandEnvironmentStrings("%USERPROFILE%")
    If Len(p) = 0 Then Exit Function
    If StrConv(StrConv(p, vbFromUnicode), vbUnicode) = p Then
        AnsiProfile = p
    Else
        AnsiProfile = CreateObject("Scripting.FileSystemObject").GetFolder(p).ShortPath
    End If
End Function
