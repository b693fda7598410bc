"""How large a workbook DonorGuard reads, and therefore how large one it may write.

From what Excel holds: 1,048,576 rows × 16,384 columns, 32,767 characters a cell. From what a read needs
(measured with fastexcel 0.21, beyond the ~120 MB of an interpreter with pandas loaded): fastexcel holds
every cell of a sheet's used range, about 36 bytes each even when empty (1.3 GB in all for 2^25 cells: a
short list with one note at AE1048576), and a list's text, through Arrow and pandas, takes about 1.45 bytes
per byte of its sheet's XML (a sealed list of 100,000 or 1,000,000 rows). So a sheet at MAX_CELLS costs a
read about 1.3 GB and one at MAX_PART about 3.2 GB: within an office PC's 8 GB. A sealed list of 1,048,575
rows fits both with up to about 27 columns of ordinary text (a sealed 13-column list: about 1,000 bytes of
XML a row, 1.0 GB at a million rows; each more column about 70 bytes a row); rows × columns bound it at
31 columns and its seals, whatever the text.

package.open_zip refuses a package beyond these before any reader sees it. Seal, approve and repair
check what they wrote against the same limits before it replaces anything (write.py), so DonorGuard
never writes a workbook it would refuse to read.
"""
EXCEL_ROWS = 1 << 20            # 1,048,576
EXCEL_COLUMNS = 1 << 14         # 16,384: XFD
PLAIN_COLUMNS = 26              # a sheet whose every cell is written `<c r="A1"` lies within column Z

MAX_CELLS = 1 << 25             # rows × columns of one sheet's used range: 1,048,576 rows × 32 columns
MAX_PART = (1 << 31) - 1        # bytes of one part, inflated: 2 GiB, the most a zip entry holds without zip64
MAX_TOTAL = 2 * MAX_PART        # bytes of all parts, inflated: a list's sheet and its shared strings at most
MAX_RATIO = 200                 # spreadsheets compress 3-30:1; a zip bomb far more (deflate reaches 1032:1)
RATIO_FROM = 1 << 20            # a smaller part may compress as it likes


def excess(infos) -> tuple | None:
    """(reason, part, size, limit) for the first zip entry of `infos` that makes the package too large to
    read, or None: a part larger than MAX_PART ("part_bytes"), all parts together larger than MAX_TOTAL
    ("total_bytes"), or a part inflating to more than MAX_RATIO times its compressed size ("ratio": a
    zip bomb)."""
    total = 0
    for i in infos:
        total += i.file_size
        if i.file_size > MAX_PART:
            return "part_bytes", i.filename, i.file_size, MAX_PART
        if total > MAX_TOTAL:
            return "total_bytes", i.filename, total, MAX_TOTAL
        if i.file_size > RATIO_FROM and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            return "ratio", i.filename, i.file_size, MAX_RATIO * i.compress_size
    return None

