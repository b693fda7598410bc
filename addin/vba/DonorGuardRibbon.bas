Attribute VB_Name = "DonorGuardRibbon"
' DonorGuard ribbon callbacks (customUI14.xml -> DonorGuardRibbon.<Sub>).
' ASCII only: every user-facing Japanese text lives in the Python package.
' Each button runs one function of donorguard.excel through xlwings' RunPython
' and passes the add-in version so Python can refuse a mismatched add-in.
' Built into donorguard.xlam by addin/vba/build.py; edit this file, not the .xlam.
Option Explicit

Public Const DG_VERSION As String = "{{VERSION}}"

Private gEvents As DonorGuardEvents

Public Sub OnRibbonLoad(ribbon As IRibbonUI)
    EnsureEvents
End Sub

' Application-level events (save check). Also re-armed by every button, in
' case a VBA reset (an "End" or an unhandled error) dropped the object.
Public Sub EnsureEvents()
    If gEvents Is Nothing Then
        Set gEvents = New DonorGuardEvents
        Set gEvents.App = Application
    End If
End Sub

Public Sub OnSeal(control As IRibbonControl)
    RunDonorGuard "seal_book(version='" & DG_VERSION & "')"
End Sub

Public Sub OnCheck(control As IRibbonControl)
    RunDonorGuard "check_book(version='" & DG_VERSION & "')"
End Sub

Public Sub OnRepair(control As IRibbonControl)
    RunDonorGuard "repair_book(version='" & DG_VERSION & "')"
End Sub

Public Sub OnApprove(control As IRibbonControl)
    ' The reason dialog is Python's; VBA only passes the selected rows.
    RunDonorGuard "approve_book(rows='" & SelectedRows() & "', version='" & DG_VERSION & "')"
End Sub

Public Sub OnExport(control As IRibbonControl)
    RunDonorGuard "export_book(version='" & DG_VERSION & "')"
End Sub

Public Sub OnStatus(control As IRibbonControl)
    RunDonorGuard "status_book(version='" & DG_VERSION & "')"
End Sub

Private Sub RunDonorGuard(ByVal PyCall As String)
    EnsureEvents
    If ActiveWorkbook Is Nothing Then
        ' xlwings' RunPython needs an active workbook (Book.caller()).
        MsgBox "DonorGuard: open a workbook first.", vbInformation, "DonorGuard"
        Exit Sub
    End If
    RunPython "import donorguard.excel as dg; dg." & PyCall
End Sub

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
