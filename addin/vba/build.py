"""Build addin/donorguard.xlam from the texts in addin/vba/.

    python addin/vba/build.py [OUT]        (default: addin/donorguard.xlam)

Inputs: ribbon.xml, DonorGuardRibbon.bas, DonorGuardEvents.cls, DonorGuardLive.bas (this folder),
``__version__`` of addin/donorguard/__init__.py, the "vba" section of the message catalogue
(addin/donorguard/text/ja.py, en.py: the module DonorGuardText, its Japanese held in ASCII
source as UTF-16 hex), and xlwings' own VBA taken
from the installed xlwings package (which must be the pinned version), patched
below.  Same inputs give the same bytes: fixed zip timestamps, entry order and
attributes, stored (uncompressed) entries so the result does not depend on the
zlib build, and a deterministic vbaProject.bin (vba_project.py).
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import os
import re
import sys
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vba_project import BASE_WORKBOOK, BASE_WORKSHEET, Module, build_vba_project, class_code, document_code  # noqa: E402

HERE = Path(__file__).resolve().parent
ADDIN = HERE.parent
DEFAULT_OUT = ADDIN / "donorguard.xlam"
XLWINGS_PIN = "0.37.8"  # the version whose VBA the patches below were audited on
DEFAULT_VERSION = "0.1.0"
PROJECT_NAME = "DonorGuard"
PROJECT_ID = "{6D6F6E69-7A75-4B61-9E00-446F6E6F7247}"  # fixed: reproducible
CONF_SHEET = "_donorguard.conf"  # xlwings' template style: rename to activate

# --- xlwings' VBA, patched ------------------------------------------------------
# xlwings_custom_addin.bas resolves settings in this order: a "<PROJECT_NAME>.conf"
# sheet in the ACTIVE workbook, a "<PROJECT_NAME>.conf" file in the active
# workbook's folder, the add-in's own conf sheet, the user's conf file.  It
# also puts the folders of the active workbook and of the add-in first on
# sys.path.  A workbook received from outside could thus choose the Python
# interpreter, its PYTHONPATH or a conda env, or shadow `donorguard` / `xlwings`
# with modules saved next to it.  Every patch is a literal replacement whose
# old text must occur exactly `count` times, so an xlwings upgrade that
# changes any of these places stops the build instead of shipping unpatched.
_PATCHES = [
    # 0. Mark the module, and check the upstream version we audited.
    ("'Version: %s\n" % XLWINGS_PIN,
     "'Version: %s\n'Patched for DonorGuard by addin/vba/build.py; do not edit here.\n"
     % XLWINGS_PIN, 1),
    # 1. Own settings namespace: add-in sheet "donorguard.conf" and the user's
    #    %USERPROFILE%\.donorguard\donorguard.conf (Mac: ~/Library/Containers/
    #    com.microsoft.Excel/Data/donorguard.conf), not the "myaddin" defaults.
    ('Public Const PROJECT_NAME As String = "myaddin"',
     'Public Const PROJECT_NAME As String = "donorguard"', 1),
    # 2. GetConfig: never read the ACTIVE workbook's conf sheet.
    ("            'Workbook Sheet Config\n"
     '            If SheetExists(ActiveWorkbook, PROJECT_NAME & ".conf") = True Then\n'
     "                If GetConfigFromSheet(ActiveWorkbook).Exists(configKey) = True Then\n"
     "                    GetConfig = GetConfigFromSheet(ActiveWorkbook).Item(configKey)\n"
     "                    GetConfig = ExpandEnvironmentStrings(GetConfig)\n"
     "                    Exit Function\n"
     "                End If\n"
     "            End If\n",
     "            'DonorGuard: the active workbook's conf sheet is not read (untrusted)\n", 1),
    # 3. GetConfig: never read a conf file in the active workbook's folder.
    ("    ' Directory Config\n"
     '    If source = "" Or source = "directory" Then\n'
     '        #If App = "Microsoft Excel" Then\n'
     "            If GetFullName(ActiveWorkbook) <> \"\" Then "
     "' Empty if local dir can't be figured out (e.g. SharePoint)\n"
     "        #Else\n"
     '            If InStr(GetDirectoryPath(), "://") = 0 Then '
     "' Other Office apps: skip for synced SharePoint/OneDrive files\n"
     "        #End If\n"
     "            If FileExists(GetDirectoryConfigFilePath()) = True Then\n"
     "                If GetConfigFromFile(GetDirectoryConfigFilePath(), configKey, configValue) Then\n"
     "                    GetConfig = configValue\n"
     "                    GetConfig = ExpandEnvironmentStrings(GetConfig)\n"
     "                    Exit Function\n"
     "                End If\n"
     "            End If\n"
     "        End If\n"
     "    End If\n",
     "    ' DonorGuard: no directory config (a conf file beside a workbook is untrusted)\n", 1),
    # 4. RunPython and the UDF server command: ADD_WORKBOOK_TO_PYTHONPATH is
    #    always false (prepare_sys_path then adds neither workbook's folder) ...
    ('AddExcelDir = GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")',
     'AddExcelDir = "false" \' DonorGuard: never put a workbook folder on sys.path', 2),
    # 5. ... and the workbook names are not sent at all: prepare_sys_path splits
    #    its argument on ";", so a ";" in a file name would shift the fields
    #    and inject extra (relative) sys.path entries.
    ('AddExcelDir & ";" & ActiveFullName & ";" & ThisFullName & ";"',
     'AddExcelDir & ";;;"', 2),
    ('AddExcelDir & ";" & ActiveWorkbook.FullName & ";" & ThisWorkbook.FullName & ";"',
     'AddExcelDir & ";;;"', 1),
    # 6. RunPython: a "*.py" sheet in the ACTIVE workbook switched to xlwings
    #    PRO "embedded code", which writes those sheets out as modules first on
    #    sys.path and runs our command with them.  Only the add-in is inspected.
    ("        If i = 1 Then\n"
     "            Set wb = ActiveWorkbook\n",
     "        If i = 1 Then\n"
     "            Set wb = ThisWorkbook ' DonorGuard: never the active workbook's code\n", 1),
    # 7. ExecuteWindows: cmd.exe searches the current folder before PATH for a
    #    bare "python", and `python -c` puts the current folder first on
    #    sys.path; Excel's current folder is often the folder a workbook was
    #    just opened from.  Start in %SystemRoot% unless xlwings already
    #    changes to the interpreter's folder.
    ('    If Left$(PYTHON_WIN, 2) Like "[A-Za-z]:" Then\n',
     '    DriveCommand = "cd /d """ & Environ("SystemRoot") & """ & " \' DonorGuard: not Excel\'s current folder\n'
     '    If Left$(PYTHON_WIN, 2) Like "[A-Za-z]:" Then\n', 1),
    # 8. ExecuteMac: the AppleScript handler puts the workbook name inside a
    #    double-quoted shell word ("--wb=NAME"), so a received workbook named
    #    e.g. "a$(cmd).xlsx" would run cmd; "|" would shift the handler's
    #    fields.  Refuse such names instead of running Python.
    ('    ParameterString = ParameterString + "|" + ActiveWorkbook.Name\n',
     '    If ActiveWorkbook.Name Like "*[$`""\\|]*" Then \' DonorGuard: shell-unsafe name\n'
     '        Application.StatusBar = False\n'
     '        MsgBox "Please rename this workbook: its name contains $ ` "" \\ or |, " & _\n'
     '               "which cannot be passed safely to Python on a Mac.", vbCritical\n'
     '        Exit Sub\n'
     '    End If\n'
     '    ParameterString = ParameterString + "|" + ActiveWorkbook.Name\n', 1),
    # 9. GetConfigFilePath (Windows): VBA's Environ and Open go through the ANSI code page, so a
    #    user profile folder with characters outside it (a name not in CP932 on Japanese Windows)
    #    would come back with "?" and the conf file would never be found: use the folder's 8.3
    #    short path then (DonorGuardRibbon.AnsiProfile).
    ('        GetConfigFilePath = Environ("USERPROFILE") & "\\." & PROJECT_NAME & "\\" & PROJECT_NAME & ".conf"\n',
     '        GetConfigFilePath = AnsiProfile() & "\\." & PROJECT_NAME & "\\" & PROJECT_NAME & ".conf" '
     "' DonorGuard: ANSI-safe\n", 1),
    # 10. ShowError: SHOW_ERROR_POPUPS=False wrote errors into an "Error" sheet
    #    of the active workbook; DonorGuard never modifies the user's workbook
    #    (e.g. one being saved), so errors are always shown as pop-ups.
    ('    If GetConfig("SHOW_ERROR_POPUPS", "True") = "False" Then\n',
     "    If False Then ' DonorGuard: never write an \"Error\" sheet into a workbook\n", 1),
]


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def patch_xlwings(text: str) -> str:
    """Apply _PATCHES to xlwings_custom_addin.bas text; fail on any mismatch."""
    text = crlf(text)
    for old, new, count in _PATCHES:
        old, new = crlf(old), crlf(new)
        found = text.count(old)
        if found != count:
            raise RuntimeError("xlwings VBA changed: expected %d x %r, found %d"
                               % (count, old[:70], found))
        text = text.replace(old, new)
    return text


def xlwings_dir() -> Path:
    """Folder of the installed xlwings, which must be the audited version and,
    when pyproject.toml pins xlwings, that pin (VBA and Python cannot drift)."""
    pyproject = ADDIN.parent / "pyproject.toml"
    if pyproject.exists():
        deps = tomllib.loads(pyproject.read_text("utf-8"))["project"]["dependencies"]
        pins = [d.split("==", 1)[1].strip() for d in deps
                if re.match(r"xlwings\s*==", d)]
        if pins != [XLWINGS_PIN]:
            raise RuntimeError("pyproject pins xlwings %s; build.py audited %s"
                               % (pins, XLWINGS_PIN))
    installed = importlib.metadata.version("xlwings")
    if installed != XLWINGS_PIN:
        raise RuntimeError("xlwings %s installed, the add-in is built from %s"
                           % (installed, XLWINGS_PIN))
    spec = importlib.util.find_spec("xlwings")  # locates without importing
    return Path(spec.origin).parent


def package_version() -> str:
    init = ADDIN / "donorguard" / "__init__.py"
    text = init.read_text(encoding="utf-8") if init.exists() else ""
    m = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.M)
    version = m.group(1) if m else DEFAULT_VERSION
    if not re.fullmatch(r"[0-9A-Za-z.+!-]+", version):
        raise ValueError("unusable __version__ %r" % version)
    return version


def _source(name: str, version: str) -> str:
    text = crlf((HERE / name).read_text(encoding="utf-8"))
    text.encode("ascii")  # VBA sources must be ASCII (UnicodeEncodeError)
    if "{{VERSION}}" in text:
        if text.count("{{VERSION}}") != 1:
            raise ValueError("%s: more than one {{VERSION}}" % name)
        text = text.replace("{{VERSION}}", version)
    return text if text.endswith("\r\n") else text + "\r\n"


def _catalogue(lang: str) -> dict:
    """The "vba" section of text/<lang>.py, loaded by path (no package import at build time)."""
    path = ADDIN / "donorguard" / "text" / ("%s.py" % lang)
    spec = importlib.util.spec_from_file_location("donorguard_text_" + lang, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TEXT["vba"]


def _hex_lines(var: str, text: str, width: int = 240) -> list[str]:
    """VBA statements that build `text` in `var` from UTF-16 hex (ASCII source, any text)."""
    h = text.encode("utf-16-be").hex()
    chunks = [h[i:i + width] for i in range(0, len(h), width)] or [""]
    return ['        %s = %sU("%s")' % (var, "" if i == 0 else var + " & ", c) for i, c in enumerate(chunks)]


def text_module() -> str:
    """DonorGuardText: DgText(key) in the add-in's language, from the catalogue's "vba" section."""
    out = ['Attribute VB_Name = "DonorGuardText"',
           "' Generated by addin/vba/build.py from the \"vba\" section of donorguard/text/ja.py and en.py:",
           "' edit the catalogue, not this module. Texts are UTF-16 code units in hex (VBA sources stay ASCII).",
           "Option Explicit", "",
           "' The add-in's language: DONORGUARD_LANG, else DONORGUARD_LANG in donorguard.conf, else Japanese.",
           "Public Function DgLang() As String",
           "    Dim v As String",
           "    On Error Resume Next",
           '    v = LCase$(Trim$(Environ("DONORGUARD_LANG")))',
           '    If Len(v) = 0 Then v = LCase$(Trim$(GetConfig("DONORGUARD_LANG", "")))',
           '    If v = "en" Then DgLang = "en" Else DgLang = "ja"',
           "End Function", "",
           "Public Function DgText(ByVal Key As String) As String",
           '    If DgLang() = "en" Then DgText = EnText(Key) Else DgText = JaText(Key)',
           "End Function", ""]
    for lang in ("ja", "en"):
        fn = lang.capitalize() + "Text"
        out += ["Private Function %s(ByVal Key As String) As String" % fn, "    Select Case Key"]
        for key, text in sorted(_catalogue(lang).items()):
            out.append('    Case "%s"' % key)
            out += _hex_lines(fn, text)
        out += ["    End Select", "End Function", ""]
    out += ["' Four hex digits per UTF-16 code unit -> text.",
            "Private Function U(ByVal h As String) As String",
            "    Dim i As Long, j As Long, n As Long",
            "    For i = 1 To Len(h) Step 4",
            "        n = 0",
            "        For j = 0 To 3",
            '            n = n * 16 + InStr(1, "0123456789abcdef", Mid$(h, i + j, 1)) - 1',
            "        Next j",
            "        U = U & ChrW$(n)",
            "    Next i",
            "End Function"]
    return crlf("\n".join(out) + "\n")


def vba_modules() -> list[Module]:
    """The add-in's modules, in project order, as stored in vbaProject.bin."""
    version, xw = package_version(), xlwings_dir()
    xlwings_bas = patch_xlwings((xw / "xlwings_custom_addin.bas").read_text("ascii"))
    dictionary = crlf((xw / "addin" / "Dictionary.cls").read_text("ascii"))
    return [
        Module("ThisWorkbook", "document", document_code("ThisWorkbook", BASE_WORKBOOK)),
        Module("Sheet1", "document", document_code("Sheet1", BASE_WORKSHEET)),
        Module("DonorGuardRibbon", "standard", _source("DonorGuardRibbon.bas", version)),
        Module("DonorGuardEvents", "class", class_code(_source("DonorGuardEvents.cls", version))),
        Module("DonorGuardLive", "standard", _source("DonorGuardLive.bas", version)),
        Module("DonorGuardText", "standard", text_module()),
        Module("xlwings", "standard", xlwings_bas),
        # xlwings' GetConfigFromSheet uses this class on Mac (no Scripting.Dictionary).
        Module("Dictionary", "class", class_code(dictionary)),
    ]


# --- package parts ------------------------------------------------------------------
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml."
# Keys of xlwings' template conf sheet (values left empty / FALSE).
_CONF_KEYS = ["Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "Conda Path", "Conda Env",
              "UDF Modules", "Debug UDFs", "Use UDF Server", "Show Console"]


def _rels(*rels: tuple[str, str, str]) -> str:
    items = "".join('<Relationship Id="%s" Type="%s" Target="%s"/>' % r for r in rels)
    return _XML + '<Relationships xmlns="%s">%s</Relationships>' % (_PKG_RELS, items)


def _conf_sheet() -> str:
    rows = []
    for i, key in enumerate(_CONF_KEYS, 1):
        value = '<c r="B%d" t="b"><v>0</v></c>' % i if i > 6 else ""
        rows.append('<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c>%s</row>'
                    % (i, i, key, value))
    return (_XML + '<worksheet xmlns="%s"><sheetPr codeName="Sheet1"/>'
            '<dimension ref="A1:B%d"/><cols><col min="1" max="1" width="16" customWidth="1"/>'
            '</cols><sheetData>%s</sheetData></worksheet>' % (_MAIN, len(rows), "".join(rows)))


def _parts(modules: list[Module] | None = None) -> list[tuple[str, bytes]]:
    ribbon = crlf((HERE / "ribbon.xml").read_text(encoding="utf-8")).replace("\r\n", "\n")
    ET.fromstring(ribbon.encode("utf-8"))  # well-formed, or fail the build
    content_types = (
        _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.addin.macroEnabled.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="%sworksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="%sstyles+xml"/>'
        '<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        "</Types>" % (_CT, _CT))
    workbook = (
        _XML + '<workbook xmlns="%s" xmlns:r="%s"><workbookPr codeName="ThisWorkbook"/>'
        '<bookViews><workbookView/></bookViews><sheets>'
        '<sheet name="%s" sheetId="1" r:id="rId1"/></sheets></workbook>' % (_MAIN, _R, CONF_SHEET))
    styles = (
        _XML + '<styleSheet xmlns="%s"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
        '<family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/>'
        '</fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1">'
        '<border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>" % _MAIN)
    parts = [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", _rels(
            ("rId1", _R + "/officeDocument", "xl/workbook.xml"),
            ("rId2", "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
             "customUI/customUI14.xml"))),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", _rels(
            ("rId1", _R + "/worksheet", "worksheets/sheet1.xml"),
            ("rId2", _R + "/styles", "styles.xml"),
            ("rId3", "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
             "vbaProject.bin"))),
        ("xl/styles.xml", styles),
        ("xl/worksheets/sheet1.xml", _conf_sheet()),
        ("xl/vbaProject.bin", build_vba_project(PROJECT_NAME, PROJECT_ID, modules or vba_modules())),
        ("customUI/customUI14.xml", ribbon),
    ]
    return [(n, d.encode("utf-8") if isinstance(d, str) else d) for n, d in parts]


def build_bytes(modules: list[Module] | None = None) -> bytes:
    """The add-in's bytes; `modules` replaces its VBA modules (tests run a few modules alone)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in _parts(modules):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 0  # else 3 on Unix, 0 on Windows
            info.external_attr = 0
            z.writestr(info, data)
    return buf.getvalue()


def build(out_path: str | os.PathLike = DEFAULT_OUT) -> None:
    data = build_bytes()
    out = Path(out_path)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    build(target)
    print("wrote %s" % target)
