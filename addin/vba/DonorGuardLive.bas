Attribute VB_Name = "DonorGuardLive"
' The live guard's filter: which changes of a sealed list are worth one Python call.
' Pure functions of text and numbers (no Excel object), so the same rule can be run
' outside Excel: donorguard/excel/live.py holds it in Python, and tests/vba runs this
' module in LibreOffice on the same cases. ASCII only.
Option Explicit

Private Const LAST_ROW As Long = 1048576
Private Const LAST_COL As Long = 16384

' True when a change of the range at Address (as Range.Address gives it, e.g.
' "$H$4:$H$3003", "$A$5:$K$5,$A$9:$K$9", "$7:$9", "$H:$H") should be checked:
' the workbook has a manifest and this is the list's sheet, the change is not
' DonorGuard's own write, and its areas that are not whole rows, not whole
' sealed rows (every bound column and the seal column) and meet a bound column
' or the seal column span two or more rows of the list (from FirstRow down).
' Bound: the bound columns' numbers as ",3,5,8,"; SealCol: 0 when unknown.
Public Function ShouldCheck(ByVal HasManifest As Boolean, ByVal OwnWrite As Boolean, _
                            ByVal Address As String, ByVal FirstRow As Long, _
                            ByVal Bound As String, ByVal SealCol As Long) As Boolean
    Dim areas() As String, i As Long, rows As Long
    Dim r1 As Long, r2 As Long, c1 As Long, c2 As Long, wholeRows As Boolean, meets As Boolean
    If Not HasManifest Or OwnWrite Or Len(Bound) < 3 Then Exit Function
    areas = Split(Address, ",")
    For i = LBound(areas) To UBound(areas)
        If AreaBounds(areas(i), r1, r2, c1, c2) Then
            wholeRows = (c1 = 1 And c2 = LAST_COL)
            meets = MeetsBound(Bound, c1, c2) Or (SealCol > 0 And SealCol >= c1 And SealCol <= c2)
            If meets And Not wholeRows Then
                If Not CoversRow(Bound, SealCol, c1, c2) Then
                    If r1 < FirstRow Then r1 = FirstRow
                    If r2 >= r1 Then rows = rows + (r2 - r1 + 1)
                    If rows >= 2 Then
                        ShouldCheck = True
                        Exit Function
                    End If
                End If
            End If
        End If
    Next i
End Function

' Any bound column between c1 and c2.
Private Function MeetsBound(ByVal Bound As String, ByVal c1 As Long, ByVal c2 As Long) As Boolean
    Dim parts() As String, i As Long, c As Long
    parts = Split(Bound, ",")
    For i = LBound(parts) To UBound(parts)
        If Len(parts(i)) > 0 Then
            c = CLng(parts(i))
            If c >= c1 And c <= c2 Then
                MeetsBound = True
                Exit Function
            End If
        End If
    Next i
End Function

' Every bound column and the seal column lie between c1 and c2: whole sealed rows.
Private Function CoversRow(ByVal Bound As String, ByVal SealCol As Long, _
                           ByVal c1 As Long, ByVal c2 As Long) As Boolean
    Dim parts() As String, i As Long, c As Long
    If SealCol < c1 Or SealCol > c2 Then Exit Function
    parts = Split(Bound, ",")
    For i = LBound(parts) To UBound(parts)
        If Len(parts(i)) > 0 Then
            c = CLng(parts(i))
            If c < c1 Or c > c2 Then Exit Function
        End If
    Next i
    CoversRow = True
End Function

' "$A$1:$C$9", "$B$4", "$3:$7", "$H:$K" (with or without "$") -> rows and columns.
Private Function AreaBounds(ByVal Area As String, r1 As Long, r2 As Long, _
                            c1 As Long, c2 As Long) As Boolean
    Dim pos As Long, a As String, b As String
    Area = Replace(Area, "$", "")
    If InStr(Area, "!") > 0 Then Area = Mid$(Area, InStrRev(Area, "!") + 1)
    pos = InStr(Area, ":")
    If pos > 0 Then
        a = Left$(Area, pos - 1)
        b = Mid$(Area, pos + 1)
    Else
        a = Area
        b = Area
    End If
    If Not CellBounds(a, r1, c1, 1, 1) Then Exit Function
    If Not CellBounds(b, r2, c2, LAST_ROW, LAST_COL) Then Exit Function
    If r2 < r1 Then Swap r1, r2
    If c2 < c1 Then Swap c1, c2
    AreaBounds = True
End Function

' "C9" -> 9, 3; "7" (a whole row) -> 7, DefaultCol; "H" (a whole column) -> DefaultRow, 8.
Private Function CellBounds(ByVal Ref As String, r As Long, c As Long, _
                            ByVal DefaultRow As Long, ByVal DefaultCol As Long) As Boolean
    Dim i As Long, ch As String, letters As String, digits As String
    Ref = UCase$(Trim$(Ref))
    For i = 1 To Len(Ref)
        ch = Mid$(Ref, i, 1)
        If ch >= "A" And ch <= "Z" And Len(digits) = 0 Then
            letters = letters & ch
        ElseIf ch >= "0" And ch <= "9" Then
            digits = digits & ch
        Else
            Exit Function
        End If
    Next i
    If Len(letters) = 0 And Len(digits) = 0 Then Exit Function
    If Len(letters) > 3 Or Len(digits) > 7 Then Exit Function
    c = DefaultCol
    If Len(letters) > 0 Then
        c = 0
        For i = 1 To Len(letters)
            c = c * 26 + (Asc(Mid$(letters, i, 1)) - 64)
        Next i
    End If
    If Len(digits) > 0 Then r = CLng(digits) Else r = DefaultRow
    CellBounds = True
End Function

Private Sub Swap(a As Long, b As Long)
    Dim t As Long
    t = a
    a = b
    b = t
End Sub
