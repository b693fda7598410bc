"""The Excel add-in addin/donorguard.xlam and its builder (addin/vba/)."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import olefile
import pytest
from hypothesis import given, settings, strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

ROOT = Path(__file__).resolve().parents[2]
EXCEL = ROOT / "addin" / "vba"
COMMITTED = ROOT / "addin" / "donorguard.xlam"
sys.path.insert(0, str(EXCEL))
from vba_project import _cfb, compress, decompress, encrypt  # noqa: E402

# addin/vba/build.py under a name that cannot meet PyPA's "build" package
_spec = importlib.util.spec_from_file_location("donorguard_addin_build", EXCEL / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

CUI = "{http://schemas.microsoft.com/office/2009/07/customui}"
# What the VBA calls in Python (donorguard.excel); see the report / README.
PYTHON_CALLS = {"seal_book", "check_book", "repair_book", "approve_book",
                "export_book", "status_book", "on_save", "on_change"}
IMAGE_MSO = {line for line in (Path(__file__).parent / "excel-imagemso.txt").read_text("ascii").splitlines()
             if line and not line.startswith("#")}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("addin") / "donorguard.xlam"
    build.build(path)
    return path


@pytest.fixture(scope="module")
def modules():
    return {m.name: m for m in build.vba_modules()}


def strip_attributes(code: str) -> str:
    # module attributes (Attribute VB_Name ...) and member ones (Attribute Item.VB_UserMemId ...)
    lines = [x for x in code.replace("\r\n", "\n").split("\n") if not x.startswith("Attribute ")]
    return "\n".join(lines).strip("\n")


# 1. reproducible, and the committed add-in is what the texts build ------------

def test_build_is_reproducible_and_matches_committed(built, tmp_path):
    again = tmp_path / "again.xlam"
    build.build(again)
    assert again.read_bytes() == built.read_bytes()
    assert COMMITTED.exists(), "run: python3 addin/vba/build.py"
    assert COMMITTED.read_bytes() == built.read_bytes(), (
        "addin/donorguard.xlam is stale: run python3 addin/vba/build.py and commit it")


def test_package_layout(built):
    with zipfile.ZipFile(built) as z:
        infos = z.infolist()
        assert [i.filename for i in infos] == [
            "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml",
            "xl/vbaProject.bin", "customUI/customUI14.xml"]
        assert {(i.date_time, i.compress_type, i.create_system) for i in infos} == {
            ((1980, 1, 1, 0, 0, 0), zipfile.ZIP_STORED, 0)}
        types = z.read("[Content_Types].xml").decode()
        assert 'ContentType="application/vnd.ms-excel.addin.macroEnabled.main+xml"' in types
        assert 'ContentType="application/vnd.ms-office.vbaProject"' in types
        rels = z.read("_rels/.rels").decode()
        assert ('Type="http://schemas.microsoft.com/office/2007/relationships/ui/extensibility" '
                'Target="customUI/customUI14.xml"') in rels
        assert 'codeName="ThisWorkbook"' in z.read("xl/workbook.xml").decode()
        assert z.read("customUI/customUI14.xml") == (EXCEL / "ribbon.xml").read_bytes().replace(
            b"\r\n", b"\n")


# 2. compressor (MS-OVBA 2.4.1) ----------------------------------------------------

def roundtrip(data: bytes) -> None:
    try:
        packed = compress(data)
    except ValueError:
        # Only a short final chunk that does not fit as literals (> 3640
        # bytes: n + ceil(n/8) > 4096) has no exact encoding.
        assert 3640 < len(data) % 4096
        return
    assert decompress(packed) == data
    assert decompress_stream(bytearray(packed)) == data  # oletools' decoder


def test_compress_spec_examples():
    # MS-OVBA 3.2.1 (no compression) byte for byte; 3.2.2 decodes.
    plain = b"abcdefghijklmnopqrstuv."
    assert compress(plain) == bytes.fromhex(
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E")
    normal = bytes.fromhex(
        "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 30"
        " 6D 6E 6F 70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C")
    assert decompress(normal) == b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"


@pytest.mark.parametrize("data", [
    b"", b"a", b"abc" * 5000,                         # tiny; multi-chunk repeats
    b"a" * 100_000,                                   # longest CopyTokens (4098)
    bytes(4096), bytes(4097), bytes(8192),            # chunk boundaries
    os.urandom(3 * 4096),                             # raw (incompressible) chunks
    os.urandom(3000) + b"x" * 9000 + os.urandom(4096),
])
def test_compress_roundtrip_examples(data):
    roundtrip(data)


def test_compress_multichunk_text_matches_oletools(modules):
    text = modules["xlwings"].code.encode("cp1252")
    assert len(text) > 10 * 4096
    packed = compress(text)
    assert len(packed) < len(text) / 2
    roundtrip(text)


def test_short_incompressible_tail_fails_loudly():
    with pytest.raises(ValueError):
        compress(os.urandom(4096 + 4000))


_pieces = st.one_of(
    st.binary(max_size=600),
    st.builds(lambda b, n: b * n, st.binary(min_size=1, max_size=7), st.integers(1, 3000)))


@settings(max_examples=150, deadline=None)
@given(st.lists(_pieces, max_size=12).map(b"".join))
def test_compress_roundtrip_property(data):
    roundtrip(data)


# container and PROJECT stream details ------------------------------------------------

def test_compound_file_stream_sizes(tmp_path, monkeypatch):
    # Workarounds for ms-cfb 0.0.6, checked with olefile: a 4096-byte stream
    # (mini-stream cutoff) and a directory whose last entries are big streams
    # (its 3rd sector was never allocated) come back intact ...
    monkeypatch.chdir(tmp_path)
    streams = {"VBA/s%d" % n: os.urandom(n) for n in (1, 63, 64, 65, 4095, 4096, 4097, 9000)}
    ole = olefile.OleFileIO(_cfb(streams))
    assert {"/".join(p): ole.openstream(p).read() for p in ole.listdir()} == streams
    assert list(tmp_path.iterdir()) == []  # its staging files stay out of the cwd
    # ... and what it cannot write fails loudly: empty streams (they displace
    # mini streams) and files needing a second FAT sector (over 64 KB).
    with pytest.raises(ValueError):
        _cfb({"PROJECT": b"", "VBA/dir": b"x"})
    with pytest.raises(ValueError):
        _cfb({"VBA/big": os.urandom(70_000)})


def decrypt(project_id: str, hexed: str) -> bytes:
    """MS-OVBA 2.4.3.3 Data Decryption."""
    enc = bytes.fromhex(hexed)
    seed, version, key = enc[0], enc[1] ^ enc[0], enc[2] ^ enc[0]
    assert version == 2 and key == sum(project_id.encode()) & 0xFF
    plain, unenc, enc1, enc2 = [], key, enc[2], enc[1]
    for byte in enc[3:]:
        plain.append(byte ^ ((enc2 + unenc) & 0xFF))
        enc2, enc1, unenc = enc1, byte, plain[-1]
    data = bytes(plain[(seed & 6) // 2:])
    assert int.from_bytes(data[:4], "little") == len(data) - 4
    return data[4:]


def test_project_protection_values():
    # The decryption is right: it reads xlwings' Office-written template ...
    with zipfile.ZipFile(build.xlwings_dir() / "quickstart_addin_ribbon.xlam") as z:
        template = olefile.OleFileIO(z.read("xl/vbaProject.bin")).openstream("PROJECT").read()
    fields = dict(re.findall(r'^(\w+)="([^"]*)"', template.decode("cp1252"), re.M))
    assert decrypt(fields["ID"], fields["CMG"]) == bytes(4)
    assert (decrypt(fields["ID"], fields["DPB"]), decrypt(fields["ID"], fields["GC"])) == (
        b"\x00", b"\xff")
    # ... and ours say the same: not protected, no password, visible.
    for seed in range(256):
        assert decrypt(build.PROJECT_ID, encrypt(build.PROJECT_ID, b"\xff", seed)) == b"\xff"


# 3. olevba reads back exactly our modules -----------------------------------------

def test_olevba_reads_our_modules(built, modules):
    parser = VBA_Parser(str(built))
    try:
        found = {stream.split("/")[-1]: (filename, code)
                 for _, stream, filename, code in parser.extract_macros()}
    finally:
        parser.close()
    assert set(found) == set(modules)
    ext = {"standard": ".bas", "class": ".cls", "document": ".cls"}
    for name, module in modules.items():
        filename, code = found[name]
        assert filename == name + ext[module.kind]
        assert code == module.code  # byte-exact stream text, Attribute lines included
    version = build.package_version()
    bas = (EXCEL / "DonorGuardRibbon.bas").read_text("utf-8").replace("{{VERSION}}", version)
    assert strip_attributes(found["DonorGuardRibbon"][1]) == strip_attributes(bas)
    cls = (EXCEL / "DonorGuardEvents.cls").read_text("utf-8")
    cls = cls.replace("\r\n", "\n").split("\nEND\n", 1)[1]  # VBE export header
    assert strip_attributes(found["DonorGuardEvents"][1]) == strip_attributes(cls)
    assert 'DG_VERSION As String = "%s"' % version in found["DonorGuardRibbon"][1]


def test_vba_sources_are_ascii_crlf(modules):
    for m in modules.values():
        m.code.encode("ascii")
        assert "\n" not in m.code.replace("\r\n", "")
        assert "{{" not in m.code


# 4. LibreOffice reads the project the same way --------------------------------------

# LibreOffice opens the add-in (argv: xlam, profile, pipe, macro execution mode, ...), then a body runs.
_LO_OPEN = r'''
import json, subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue

def pv(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

xlam, profile, pipe, mode = sys.argv[1:5]
url = "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe
proc = subprocess.Popen(["/usr/bin/soffice", "--headless", "--invisible", "--nologo", "--norestore",
                         "--nodefault", "--nolockcheck",
                         "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
                         "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe])
desktop = None
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            ctx = resolver.resolve(url)
            break
        except Exception:
            if proc.poll() is not None:
                raise SystemExit("soffice exited with %s" % proc.returncode)
            time.sleep(0.25)
    else:
        raise SystemExit("no connection to soffice")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(xlam), "_blank", 0, (
        pv("FilterName", "Calc MS Excel 2007 XML"), pv("ReadOnly", True),
        pv("MacroExecutionMode", int(mode)), pv("Hidden", True)))
    if doc is None:
        raise SystemExit("LibreOffice did not open " + xlam)
'''
_LO_CLOSE = r'''finally:
    if desktop is not None:
        try:
            desktop.terminate()
        except Exception:
            pass
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
'''
LO_SCRIPT = _LO_OPEN + r'''    out, libs = {}, doc.BasicLibraries
    for name in libs.getElementNames():
        libs.loadLibrary(name)
        lib = libs.getByName(name)
        out[name] = {m: [lib.getModuleInfo(m).ModuleType, lib.getByName(m)]
                     for m in lib.getElementNames()}
    doc.close(True)
    print(json.dumps(out))
''' + _LO_CLOSE


def _office_pipes() -> set:
    """LibreOffice's pipe sockets (OSL puts them in /tmp whatever TMPDIR says, and leaves them behind)."""
    return set(Path("/tmp").glob(f"OSL_PIPE_{os.getuid()}_*"))


def _remove_dead_pipes(before: set) -> None:
    """The sockets made since `before` that nothing listens on any more (ours, its soffice gone)."""
    import socket
    for path in _office_pipes() - before:
        with socket.socket(socket.AF_UNIX) as s:
            try:
                s.connect(str(path))
            except OSError:
                path.unlink(missing_ok=True)


def _lo_available() -> bool:
    return (Path("/usr/bin/soffice").exists() and subprocess.run(
        ["/usr/bin/python3", "-c", "import uno"], capture_output=True).returncode == 0)


@pytest.mark.libreoffice
def test_libreoffice_reads_our_modules(built, modules, tmp_path):
    if not _lo_available():
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (/usr/bin/soffice + python3-uno) is required on CI")
        pytest.skip("LibreOffice not installed")
    script = tmp_path / "read_vba.py"
    script.write_text(LO_SCRIPT, encoding="utf-8")
    xlam = tmp_path / "copy.xlam"  # a copy: no lock file beside the real one
    shutil.copyfile(built, xlam)
    before = _office_pipes()
    try:
        run = subprocess.run(
            ["/usr/bin/python3", str(script), str(xlam), str(tmp_path / "profile"),
             "dgvba" + uuid.uuid4().hex, "0"],
            capture_output=True, text=True, timeout=180)
    finally:
        _remove_dead_pipes(before)
    assert run.returncode == 0, run.stderr
    libraries = json.loads(run.stdout)
    lib = libraries[build.PROJECT_NAME]
    kinds = {"standard": 1, "class": 2, "document": 4}
    assert {n: t for n, (t, _) in lib.items()} == {n: kinds[m.kind] for n, m in modules.items()}
    for name, (_, source) in lib.items():
        # LibreOffice prefixes "Rem Attribute VBA_ModuleType=...", "Option
        # VBASupport 1" (and "Option ClassModule") and drops Attribute lines.
        lines = source.split("\n")
        while lines and (lines[0].startswith("Rem Attribute VBA_ModuleType=")
                         or lines[0] in ("Option VBASupport 1", "Option ClassModule")):
            lines.pop(0)
        assert "\n".join(lines).strip("\n") == strip_attributes(modules[name].code), name


# 5. ribbon callbacks exist -----------------------------------------------------------

def test_ribbon_callbacks_exist():
    ui = ET.parse(EXCEL / "ribbon.xml").getroot()
    assert ui.tag == CUI + "customUI"
    bas = (EXCEL / "DonorGuardRibbon.bas").read_text("utf-8")
    module, on_load = ui.get("onLoad").split(".")
    assert module == "DonorGuardRibbon"
    assert re.search(r"^(Public )?Sub %s\(ribbon As IRibbonUI\)" % on_load, bas, re.M)
    buttons = ui.findall(".//%sbutton" % CUI)
    assert [b.get("label") for b in buttons] == ["封印", "検査", "修復", "承認", "書き出し", "ヘルプ/状態"]
    for b in buttons:
        module, sub = b.get("onAction").split(".")
        assert module == "DonorGuardRibbon"
        assert re.search(r"^(Public )?Sub %s\(control As IRibbonControl\)" % sub, bas, re.M), sub
        assert b.get("imageMso") in IMAGE_MSO, b.get("imageMso")     # else Excel shows a blank icon
        assert b.get("screentip") and b.get("supertip") and not b.get("supertip").isascii()   # Japanese
    assert len({b.get("id") for b in buttons}) == len(buttons)


def test_python_calls_are_the_documented_ones(modules):
    ribbon, events = modules["DonorGuardRibbon"].code, modules["DonorGuardEvents"].code
    assert 'RunPython "import donorguard.excel as dg; dg." & PyCall' in ribbon
    calls = set(re.findall(r'RunDonorGuard "(\w+)\(', ribbon))
    calls |= set(re.findall(r"import donorguard\.excel as dg; dg\.(\w+)\(", events))
    assert calls == PYTHON_CALLS


# 6. xlwings' module: only the add-in's own settings, no workbook folder on sys.path ----

def _procedure(text: str, header: str) -> str:
    start = text.index(header)
    return text[start:text.index("\nEnd Function", start)]


def test_xlwings_module_is_patched(modules):
    xl = modules["xlwings"].code
    assert xl.startswith('Attribute VB_Name = "xlwings"\r\n')
    assert 'Public Const XLWINGS_VERSION As String = "%s"' % build.XLWINGS_PIN in xl
    assert 'Public Const PROJECT_NAME As String = "donorguard"' in xl
    get_config = _procedure(xl, "Function GetConfig(")
    assert "ActiveWorkbook" not in get_config          # no conf sheet of the active book
    assert "GetDirectoryConfigFilePath" not in get_config  # no conf file beside it
    assert "GetConfigFromSheet(ThisWorkbook)" in get_config  # the add-in's own sheet
    assert "GetConfigFromFile(GetConfigFilePath()" in get_config  # the user's file
    assert "ADD_WORKBOOK_TO_PYTHONPATH" not in xl
    assert xl.count('AddExcelDir = "false" \' DonorGuard') == 2
    pythonpath = [x.strip() for x in xl.split("\r\n")
                  if re.match(r"\s*PYTHONPATH = (?!Replace\()", x)]
    assert len(pythonpath) == 4  # RunPython (Mac, Win), XLPyCommand (Excel, other apps)
    for line in pythonpath:
        assert line.startswith(('PYTHONPATH = AddExcelDir & ";;;" & GetConfig("ONEDRIVE',
                                'PYTHONPATH = FName & ";"')), line
    embedded = _procedure(xl, "Public Function RunPython(")
    assert "Set wb = ActiveWorkbook" not in embedded
    assert 'DriveCommand = "cd /d """ & Environ("SystemRoot")' in xl
    assert 'If ActiveWorkbook.Name Like "*[$`""\\|]*" Then' in xl  # Mac shell word
    assert "SHOW_ERROR_POPUPS" not in xl  # never an "Error" sheet in the user's workbook
    assert xl.count("    If False Then ' DonorGuard: never write") == 1


def test_patches_fail_loudly_on_changed_upstream():
    upstream = (build.xlwings_dir() / "xlwings_custom_addin.bas").read_bytes().decode("ascii")
    build.patch_xlwings(upstream)  # applies cleanly
    for old, _, _ in build._PATCHES:
        old = old.replace("\n", "\r\n")
        assert old in upstream
        with pytest.raises(RuntimeError, match="xlwings VBA changed"):
            build.patch_xlwings(upstream.replace(old, "CHANGED", 1))


# 7. the guard never switches itself off ------------------------------------------------

def _procedures(code: str):
    """(header, body) of every Sub and Function."""
    for m in re.finditer(r"^((?:Public |Private )?(?:Sub|Function) (\w+)\(.*?)$(.*?)^End (?:Sub|Function)",
                         code.replace("\r\n", "\n"), re.M | re.S):
        yield m.group(1), m.group(2), m.group(3)


def test_every_entry_point_has_an_error_handler(modules):
    """An unhandled error resets the VBA project: the application events (save check, live guard) would be
    gone until the next button. Every ribbon callback, every public Sub and every event handler has one."""
    entry = 0
    for name in ("DonorGuardRibbon", "DonorGuardEvents"):
        for header, proc, body in _procedures(modules[name].code):
            is_entry = header.startswith("Public Sub") or proc.startswith("App_") or "IRibbon" in header
            if not is_entry:
                continue
            entry += 1
            assert re.search(r"^\s*On Error (GoTo \w+|Resume Next)", body, re.M), (name, proc)
            if "GoTo Failed" in body and name == "DonorGuardRibbon" and proc != "EnsureEvents":
                assert "ReportError" in body.split("Failed:")[-1], proc
    assert entry >= 12
    ribbon = modules["DonorGuardRibbon"].code
    report = next(b for h, p, b in _procedures(ribbon) if p == "ReportError")
    assert "EnsureEvents" in report                                  # re-armed after every reported error
    load = next(b for h, p, b in _procedures(ribbon) if p == "OnRibbonLoad")
    assert "EnsureEvents" in load                                    # armed when the add-in loads


def test_long_selection_goes_through_a_file(modules):
    ribbon = modules["DonorGuardRibbon"].code
    rows = next(b for h, p, b in _procedures(ribbon) if p == "RowsArgument")
    assert "INLINE_LIMIT" in rows and "rows_file=" in rows and "WriteTempText" in rows
    limit = int(re.search(r"INLINE_LIMIT As Long = (\d+)", ribbon).group(1))
    assert limit + 1000 < 8191                                       # cmd.exe's line limit, with room to spare


def test_file_io_is_unicode_safe(modules):
    """Environ, Dir$, Open and Kill go through the ANSI code page: a user name outside it becomes "?".
    The verdict and temporary files use FileSystemObject; xlwings' conf path goes through AnsiProfile."""
    ours = "\n".join(line for m in ("DonorGuardRibbon", "DonorGuardEvents")
                     for line in modules[m].code.split("\r\n") if not line.lstrip().startswith("'"))
    for banned in ("Dir$(", "Open ", "Kill ", 'Environ("TEMP")', 'Environ("TMP")'):
        assert banned not in ours, banned
    assert 'GetConfigFilePath = AnsiProfile() & "\\." & PROJECT_NAME' in modules["xlwings"].code


def test_autosave_is_read_late_bound(modules):
    events = modules["DonorGuardEvents"].code
    assert 'CallByName(Wb, "AutoSaveOn", VB_GET)' in events and ".AutoSaveOn" not in events
    auto = next(b for h, p, b in _procedures(events) if p == "AutoSaveOn")
    assert "On Error Resume Next" in auto
    save = next(b for h, p, b in _procedures(events) if p == "App_WorkbookBeforeSave")
    assert "mAutoSaved" in save and "autosave=" in save


def test_vba_texts_are_the_catalogue(modules):
    """DonorGuardText holds the catalogue's "vba" section, in both languages, as UTF-16 hex."""
    from donorguard.text import en, ja
    code = modules["DonorGuardText"].code.replace("\r\n", "\n")
    for lang, catalogue in (("Ja", ja.TEXT["vba"]), ("En", en.TEXT["vba"])):
        body = code.split("Private Function %sText" % lang)[1].split("End Function")[0]
        found = {}
        for key, block in re.findall(r'Case "(\w+)"\n((?:\s+\w+ = .*\n)+)', body):
            found[key] = bytes.fromhex("".join(re.findall(r'U\("([0-9a-f]*)"\)', block))).decode("utf-16-be")
        assert found == catalogue
    used = set(re.findall(r'DgText\("(\w+)"\)', modules["DonorGuardRibbon"].code + modules["DonorGuardEvents"].code))
    assert used and used <= set(ja.TEXT["vba"])


# 8. the live guard's filter: the VBA runs the rule of donorguard.excel.live -------------------

LO_RUN = _LO_OPEN + r'''    sp = doc.getScriptProvider()
    def script(name):
        return sp.getScript("vnd.sun.star.script:DonorGuard.%s?language=Basic&location=document" % name)
    check, text, pystr = script("DonorGuardLive.ShouldCheck"), script("DonorGuardText.DgText"), \
        script("DonorGuardRibbon.PyStr")
    cases = json.load(open(sys.argv[5]))
    t0 = time.perf_counter()
    # pyuno sends a small int as a byte or short, which a ByVal Long parameter of Basic misreads
    typed = lambda c: tuple(uno.Any("long", x) if type(x) is int else x for x in c)  # noqa: E731
    verdicts = [bool(uno.invoke(check, "invoke", (typed(c), (), ()))[0]) for c in cases]
    out = {"verdicts": verdicts, "seconds": time.perf_counter() - t0,
           "text": text.invoke(("save_ask",), (), ())[0], "pystr": pystr.invoke(("a'b",), (), ())[0]}
    print(json.dumps(out))
    sys.stdout.flush()
''' + _LO_CLOSE


@pytest.mark.libreoffice
def test_libreoffice_runs_our_modules_and_the_live_filter(modules, tmp_path):
    """DonorGuard's own modules compiled and run by LibreOffice Basic (xlwings' module stays out: it compiles
    only in Excel, so a two-function stand-in gives GetConfig and RunPython). The filter decides every case
    of the sweep exactly as donorguard.excel.live.should_check."""
    if not _lo_available():
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (/usr/bin/soffice + python3-uno) is required on CI")
        pytest.skip("LibreOffice not installed")
    from donorguard.excel import live
    from live_cases import sweep
    ours = [m for m in modules.values() if m.name not in ("xlwings", "Dictionary")]
    stand_in = build.Module("xlwings", "standard", build.crlf(
        'Attribute VB_Name = "xlwings"\nFunction GetConfig(ByVal k As String, ByVal d As String) As String\n'
        "    GetConfig = d\nEnd Function\nSub RunPython(ByVal c As String)\nEnd Sub\n"))
    xlam = tmp_path / "ours.xlam"
    xlam.write_bytes(build.build_bytes(ours + [stand_in]))
    cases = [(c.has_manifest, c.own_write, c.address, c.first_row, "," + ",".join(map(str, c.bound)) + ",",
              c.seal_col) for c in sweep()]
    (tmp_path / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
    script = tmp_path / "run_live.py"
    script.write_text(LO_RUN, encoding="utf-8")
    before = _office_pipes()
    try:
        run = subprocess.run(["/usr/bin/python3", str(script), str(xlam), str(tmp_path / "profile"),
                              "dglive" + uuid.uuid4().hex, "4", str(tmp_path / "cases.json")],
                             capture_output=True, text=True, timeout=300)
    finally:
        _remove_dead_pipes(before)
    assert not _office_pipes() - before           # nothing of LibreOffice's left in /tmp
    assert run.stdout.strip(), run.stderr[-2000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    expected = [live.should_check(c.has_manifest, c.own_write, c.address, c.first_row, c.bound, c.seal_col)
                for c in sweep()]
    assert got["verdicts"] == expected
    assert any(expected) and not all(expected)
    assert got["text"] == "{book} に問題が見つかりました。\nこのまま保存しますか？"
    assert got["pystr"] == "bytes.fromhex('006100270062').decode('utf-16-be')"
