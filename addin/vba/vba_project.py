"""Source-only VBA project writer (MS-OVBA) for DonorGuard's add-in.

Writes a ``vbaProject.bin`` that holds module *source* only: ``_VBA_PROJECT``
has version 0xFFFF and no performance cache, so Office compiles from source
(MS-OVBA 1.6, 2.3.4.1).  The compound file container comes from ms-cfb; every
MS-OVBA structure is built here.  Output is a pure function of the inputs.
"""
from __future__ import annotations

import contextlib
import os
import struct
import tempfile
from dataclasses import dataclass

from ms_cfb.Models.Directories.root_directory import RootDirectory
from ms_cfb.Models.Directories.storage_directory import StorageDirectory
from ms_cfb.Models.Directories.stream_directory import StreamDirectory
from ms_cfb.ole_file import OleFile

CHUNK = 4096
CODEPAGE = 1252
# VB_Base values of the three non-standard module kinds (Excel's own exports).
BASE_CLASS = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
BASE_WORKBOOK = "0{00020819-0000-0000-C000-000000000046}"
BASE_WORKSHEET = "0{00020820-0000-0000-C000-000000000046}"
# Registered type-library references, as Excel writes them (libid strings of
# REFERENCEREGISTERED, MS-OVBA 2.3.4.2.2.5); the path is only a hint, Office
# resolves the GUID/version from the registry.
STDOLE = ("stdole", "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
          "C:\\Windows\\System32\\stdole2.tlb#OLE Automation")
OFFICE = ("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
          "C:\\Program Files (x86)\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL"
          "#Microsoft Office 16.0 Object Library")


@dataclass(frozen=True)
class Module:
    name: str
    kind: str  # "standard", "class" or "document"
    code: str  # module stream text incl. Attribute lines, CRLF line ends


# --- compression, MS-OVBA 2.4.1 ----------------------------------------------

def _bit_count(difference: int) -> int:
    # max(ceil(log2(difference)), 4), 2.4.1.3.19.1
    return max((difference - 1).bit_length(), 4)


def _compress_chunk(chunk: bytes) -> bytes:
    out, n, pos = bytearray(), len(chunk), 0
    seen: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions

    def remember(upto: int, start: int) -> None:
        for p in range(start, min(upto, n - 2)):
            seen.setdefault(chunk[p:p + 3], []).append(p)

    while pos < n:
        flag_at, flags = len(out), 0
        out.append(0)
        for bit in range(8):
            if pos >= n:
                break
            bits = _bit_count(pos)
            limit = min((0xFFFF >> bits) + 3, n - pos)
            best_len, best_off = 0, 0
            for cand in reversed(seen.get(chunk[pos:pos + 3], ())):
                length = 0
                while length < limit and chunk[cand + length] == chunk[pos + length]:
                    length += 1
                if length > best_len:
                    best_len, best_off = length, pos - cand
                    if length == limit:
                        break
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                remember(pos + best_len, pos)
                pos += best_len
            else:
                out.append(chunk[pos])
                remember(pos + 1, pos)
                pos += 1
        out[flag_at] = flags
    if len(out) <= CHUNK:  # CompressedChunkSize (incl. header) <= 4098
        return struct.pack("<H", 0xB000 | (len(out) + 2 - 3)) + out
    if n == CHUNK:  # raw chunk, 2.4.1.3.7: header 0x3FFF + 4096 bytes
        return struct.pack("<H", 0x3FFF) + chunk
    # A raw chunk always decompresses to 4096 bytes (the spec pads it with
    # zeros), so a short incompressible final chunk cannot be stored exactly.
    raise ValueError("final chunk of %d bytes is incompressible" % n)


def compress(data: bytes) -> bytes:
    """CompressedContainer for ``data`` (2.4.1.3.6)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data[start:start + CHUNK])
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """Inverse of :func:`compress`, for any valid container (2.4.1.3.1)."""
    if not data or data[0] != 1:
        raise ValueError("not a CompressedContainer")
    out, i = bytearray(), 1
    while i < len(data):
        (header,) = struct.unpack_from("<H", data, i)
        if header >> 12 & 7 != 3:
            raise ValueError("bad chunk signature at %d" % i)
        end, i, start = i + (header & 0x0FFF) + 3, i + 2, len(out)
        if not header & 0x8000:
            out += data[i:i + CHUNK]
            i += CHUNK
            continue
        while i < end:
            flags, i = data[i], i + 1
            for bit in range(8):
                if i >= end:
                    break
                if flags >> bit & 1:
                    (token,) = struct.unpack_from("<H", data, i)
                    bits, i = _bit_count(len(out) - start), i + 2
                    offset = (token >> (16 - bits)) + 1
                    for _ in range((token & (0xFFFF >> bits)) + 3):
                        out.append(out[-offset])
                else:
                    out.append(data[i])
                    i += 1
    return bytes(out)


# --- PROJECT stream protection values, 2.4.3 -----------------------------------

def encrypt(project_id: str, data: bytes, seed: int) -> str:
    """Data Encryption (2.4.3.2) with a fixed seed; ignored bytes are zero."""
    key = sum(project_id.encode("ascii")) & 0xFF
    out = [seed, seed ^ 2, seed ^ key]  # Seed, VersionEnc (version 2), ProjKeyEnc
    unenc, enc1, enc2 = key, out[2], out[1]
    plain = bytes((seed & 6) // 2) + struct.pack("<I", len(data)) + data
    for byte in plain:
        enc = byte ^ ((enc2 + unenc) & 0xFF)
        out.append(enc)
        enc2, enc1, unenc = enc1, enc, byte
    return bytes(out).hex().upper()


# --- stream builders -------------------------------------------------------------

def _rec(rid: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _text(s: str) -> bytes:
    return s.encode("cp%d" % CODEPAGE)


def _dir_stream(name: str, modules: list[Module]) -> bytes:
    u16, u32 = (lambda v: struct.pack("<H", v)), (lambda v: struct.pack("<I", v))
    d = (_rec(0x01, u32(1)) + _rec(0x02, u32(0x409)) + _rec(0x14, u32(0x409))
         + _rec(0x03, u16(CODEPAGE)) + _rec(0x04, _text(name))
         + _rec(0x05) + _rec(0x40) + _rec(0x06) + _rec(0x3D)   # docstring, helpfile
         + _rec(0x07, u32(0)) + _rec(0x08, u32(0))              # helpcontext, libflags
         + struct.pack("<HIIH", 0x09, 4, 1, 0)                  # PROJECTVERSION 1.0
         + _rec(0x0C) + _rec(0x3C))                             # constants
    for ref_name, libid in (STDOLE, OFFICE):                    # 2.3.4.2.2
        d += _rec(0x16, _text(ref_name)) + _rec(0x3E, ref_name.encode("utf-16-le"))
        d += _rec(0x0D, u32(len(libid)) + _text(libid) + bytes(6))
    d += _rec(0x0F, u16(len(modules))) + _rec(0x13, u16(0xFFFF))
    for m in modules:                                           # 2.3.4.2.3.2
        d += (_rec(0x19, _text(m.name)) + _rec(0x47, m.name.encode("utf-16-le"))
              + _rec(0x1A, _text(m.name)) + _rec(0x32, m.name.encode("utf-16-le"))
              + _rec(0x1C) + _rec(0x48) + _rec(0x31, u32(0)) + _rec(0x1E, u32(0))
              + _rec(0x2C, u16(0xFFFF))
              + _rec(0x21 if m.kind == "standard" else 0x22) + _rec(0x2B))
    return d + _rec(0x10)


def _project_stream(name: str, project_id: str, modules: list[Module]) -> bytes:
    key = {"document": "Document=%s/&H00000000", "standard": "Module=%s",
           "class": "Class=%s"}
    lines = ['ID="%s"' % project_id] + [key[m.kind] % m.name for m in modules]
    lines += ['Name="%s"' % name, 'HelpContextID="0"',
              'VersionCompatible32="393222000"',
              'CMG="%s"' % encrypt(project_id, bytes(4), 0x35),    # not protected
              'DPB="%s"' % encrypt(project_id, b"\x00", 0x4B),     # no password
              'GC="%s"' % encrypt(project_id, b"\xFF", 0x6D),      # visible
              "", "[Host Extender Info]",
              "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
              "", "[Workspace]"] + ["%s=0, 0, 0, 0, C" % m.name for m in modules]
    return _text("\r\n".join(lines) + "\r\n")


def _projectwm(modules: list[Module]) -> bytes:
    return b"".join(_text(m.name) + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
                    for m in modules) + b"\0\0"


def _cfb(streams: dict[str, bytes]) -> bytes:
    """Compound file holding ``streams`` ("VBA/dir" style names)."""
    if not all(streams.values()):  # ms-cfb 0.0.6 then misplaces other mini streams
        raise ValueError("empty streams are not supported")
    with tempfile.TemporaryDirectory() as tmp:
        root, storages = RootDirectory(), {}
        for i, (path, data) in enumerate(sorted(streams.items())):
            file = os.path.join(tmp, "s%d" % i)
            with open(file, "wb") as f:
                f.write(data)
            *parents, leaf = path.split("/")
            parent = root
            for part in parents:
                if part not in storages:
                    storages[part] = StorageDirectory(part)
                    parent.add_directory(storages[part])
                parent = storages[part]
            parent.add_directory(StreamDirectory(leaf, file))
        ole = OleFile()
        # ms-cfb puts streams of exactly 4096 bytes in the mini stream (size >
        # cutoff) but sizes the mini stream without them (size >= 4096); MS-CFB
        # wants them in the FAT.  Use 4095 internally, write 4096 (below).
        ole._mini_sector_cutoff = 4095
        ole.root_directory = root
        # ms-cfb stages its pieces as files in the current directory.
        with contextlib.chdir(tmp):
            ole.build_file()
            # build_file() only grows the directory stream's sector chain when
            # a mini stream follows; grow it for the last entries too.
            ole._fat_chain.update_stream_sectors()
            if len(ole._fat_chain) > 128:  # sector 128 would be a 2nd FAT sector
                raise ValueError("vbaProject.bin over 64 KB: ms-cfb 0.0.6 writes one FAT sector")
            ole._fat_chain.to_file("fat.bin")  # what OleFile.write_file() does
            with open("fat.bin", "rb") as f:
                body = f.read()
        size = len(ole._fat_chain) * ole._fat_chain.get_sector_size()
        header = bytearray(ole.header())
        struct.pack_into("<I", header, 0x38, 4096)  # ulMiniSectorCutoff
        return bytes(header) + body.ljust(size, b"\x01")


def build_vba_project(name: str, project_id: str, modules: list[Module]) -> bytes:
    """The ``vbaProject.bin`` bytes for ``modules`` (ASCII/cp1252 sources)."""
    streams = {"PROJECT": _project_stream(name, project_id, modules),
               "PROJECTwm": _projectwm(modules),
               "VBA/_VBA_PROJECT": bytes.fromhex("CC61FFFF000100"),
               "VBA/dir": compress(_dir_stream(name, modules))}
    for m in modules:
        streams["VBA/" + m.name] = compress(_text(m.code))
    return _cfb(streams)


# --- module text helpers -----------------------------------------------------------

def document_code(name: str, base: str) -> str:
    """Stream text of an empty document module (ThisWorkbook, a sheet)."""
    return "".join(line + "\r\n" for line in [
        'Attribute VB_Name = "%s"' % name, 'Attribute VB_Base = "%s"' % base,
        "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"])


def class_code(exported: str) -> str:
    """Stream text of a class module from its VBE export (.cls) text: drop the
    VERSION/BEGIN..END header, add VB_Base and VB_TemplateDerived/Customizable
    as the VBE stores them."""
    lines = exported.split("\r\n")
    if lines[:2] != ["VERSION 1.0 CLASS", "BEGIN"]:
        raise ValueError("not a VBE class export")
    lines = lines[lines.index("END") + 1:]
    if not lines[0].startswith("Attribute VB_Name = "):
        raise ValueError("class export must continue with Attribute VB_Name")
    lines.insert(1, 'Attribute VB_Base = "%s"' % BASE_CLASS)
    exposed = next(i for i, line in enumerate(lines)
                   if line.startswith("Attribute VB_Exposed = "))
    lines[exposed + 1:exposed + 1] = ["Attribute VB_TemplateDerived = False",
                                      "Attribute VB_Customizable = False"]
    return "\r\n".join(lines)
