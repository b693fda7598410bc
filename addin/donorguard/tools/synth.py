"""Synthetic, clearly fictional donor lists (furusato-nozei one-stop lists) for tests.

Every family name carries a marker (試験, 見本, 架空, 仮) so no row can be mistaken
for a real person.  Everything is deterministic from ``seed``.
"""
from __future__ import annotations

import datetime
import random

COLUMNS = ["寄附者番号", "氏名", "フリガナ", "性別", "生年月日", "郵便番号", "住所",
           "個人番号", "住所地市町村コード", "寄附日", "寄附金額"]
TEXT_COLUMNS = ("寄附者番号", "郵便番号", "個人番号", "住所地市町村コード")
DATE_COLUMNS = ("生年月日", "寄附日")
DEFAULT_TITLE = "令和8年 ふるさと納税 ワンストップ特例申請者一覧"

_FAMILY_MARK = [("試験", "シケン"), ("見本", "ミホン"), ("架空", "カクウ"), ("仮", "カリ")]
_FAMILY_END = [("田", "ダ"), ("山", "ヤマ"), ("川", "カワ"), ("野", "ノ"), ("原", "ハラ"),
               ("木", "キ"), ("", "")]
_GIVEN_HEAD = [("健", "ケン"), ("翔", "ショウ"), ("大", "ダイ"), ("和", "カズ"), ("智", "トモ"),
               ("真", "マ"), ("優", "ユウ"), ("春", "ハル"), ("明", "アキ"), ("直", "ナオ")]
_GIVEN_END = {"男": [("郎", "ロウ"), ("太", "タ"), ("介", "スケ"), ("也", "ヤ")],
              "女": [("子", "コ"), ("美", "ミ"), ("花", "カ"), ("奈", "ナ")]}
_PREFS = ["架空県", "見本県", "試験都", "仮名府"]
_CITIES = ["見本市", "試験町", "架空村", "仮名市"]
_TOWNS = ["本町", "中央", "緑が丘", "栄町"]
# ~30 real-looking 5-digit local government prefixes; earlier entries are drawn more often.
_LG_PREFIXES = ["22221", "13101", "01100", "14100", "27100", "23100", "40130", "26100",
                "28100", "11100", "12100", "34100", "04100", "13113", "13112", "13111",
                "14130", "14150", "22130", "22100", "15100", "33100", "43100", "47201",
                "01202", "13201", "11203", "06201", "08201", "09201"]
_AMOUNTS = [10000, 20000, 30000, 50000, 100000]
_AMOUNT_WEIGHTS = [40, 25, 15, 12, 8]


def lgcode_check_digit(first5: str) -> int:
    """Check digit of a 6-digit local government code.

    >>> lgcode_check_digit("22221"), lgcode_check_digit("13101")
    (6, 6)
    >>> lgcode_is_valid("222216") and lgcode_is_valid("131016")
    True
    """
    total = sum(w * int(d) for w, d in zip((6, 5, 4, 3, 2), first5))
    return (11 - total % 11) % 10


def lgcode_is_valid(code: str) -> bool:
    code = str(code)
    return len(code) == 6 and code.isdigit() and lgcode_check_digit(code[:5]) == int(code[5])


def make_people(n: int, seed: int = 0, leading_zero_share: float = 0.1):
    """Return a DataFrame of ``n`` fictional donors with the canonical columns."""
    import pandas as pd
    from stdnum.jp import in_ as mynumber

    rng = random.Random(seed)
    lg_weights = [1.0 / (i + 1) for i in range(len(_LG_PREFIXES))]
    lgcodes = [p + str(lgcode_check_digit(p)) for p in _LG_PREFIXES]
    day_pool = sorted({datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(365))
                       for _ in range(25)})
    seen_mn: set[str] = set()
    rows = []
    for i in range(n):
        sex = rng.choice(["男", "女"])
        fam = [rng.choice(_FAMILY_MARK), rng.choice(_FAMILY_END)]
        giv = [rng.choice(_GIVEN_HEAD), rng.choice(_GIVEN_END[sex])]
        while True:
            first = "0" if rng.random() < leading_zero_share else str(rng.randint(1, 9))
            body = first + "".join(str(rng.randrange(10)) for _ in range(10))
            mn = body + mynumber.calc_check_digit(body)
            if mn not in seen_mn:
                seen_mn.add(mn)
                break
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(66 * 365))
        rows.append({
            "寄附者番号": f"D{i + 1:06d}",
            "氏名": "".join(k for k, _ in fam) + "\u3000" + "".join(k for k, _ in giv),
            "フリガナ": "".join(r for _, r in fam) + "\u3000" + "".join(r for _, r in giv),
            "性別": sex,
            "生年月日": born,
            "郵便番号": f"{rng.randrange(1000):03d}-{rng.randrange(10000):04d}",
            "住所": (rng.choice(_PREFS) + rng.choice(_CITIES) + rng.choice(_TOWNS)
                     + f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"),
            "個人番号": mn,
            "住所地市町村コード": rng.choices(lgcodes, lg_weights)[0],
            "寄附日": rng.choice(day_pool),
            "寄附金額": rng.choices(_AMOUNTS, _AMOUNT_WEIGHTS)[0],
        })
    return pd.DataFrame(rows, columns=COLUMNS)


_WIDTHS = {"寄附者番号": 12, "氏名": 18, "フリガナ": 22, "生年月日": 12, "郵便番号": 10,
           "住所": 34, "個人番号": 16, "住所地市町村コード": 12, "寄附日": 12, "寄附金額": 11}


def _layout(df, column_order, free_columns):
    """Column names in sheet order.  With free columns, the last one goes at the end and
    any others right after 氏名 (or at the end when 氏名 is not written)."""
    cols = list(column_order or [c for c in COLUMNS if c in df.columns])
    free = list(free_columns or {})
    if free:
        *middle, last = free
        at = cols.index("氏名") + 1 if "氏名" in cols else len(cols)
        cols[at:at] = middle
        cols.append(last)
    return cols


def write_workbook(df, path, *, title: str | None = DEFAULT_TITLE, sheet_name="申請者一覧",
                   column_order=None, free_columns: dict[str, list] | None = None,
                   ids_as_numbers=False, dates_as_text=False, start_col=1, table: bool = False):
    """Write ``df`` as a formatted donor list: title row + blank row (optional), header, data; with
    ``table``, inside an Excel Table (a table part) from the header to the last row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    free_columns = free_columns or {}
    cols = _layout(df, column_order, free_columns)
    data = {c: (list(free_columns[c]) if c in free_columns else df[c].tolist()) for c in cols}
    n = len(df)
    write_only = n > 20000
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet(sheet_name) if write_only else wb.active
    ws.title = sheet_name
    for j, c in enumerate(cols):
        ws.column_dimensions[get_column_letter(start_col + j)].width = _WIDTHS.get(c, 14)
    bold = Font(bold=True)

    def convert(col, v):
        fmt = None
        if v is None or (isinstance(v, float) and v != v):
            return None, None
        if hasattr(v, "item") and not isinstance(v, str):
            v = v.item()  # numpy scalar -> python
        if col in TEXT_COLUMNS:
            if col == "個人番号" and ids_as_numbers:
                return int(v), "0"
            return str(v), "@"
        if isinstance(v, (datetime.date, datetime.datetime)) or hasattr(v, "to_pydatetime"):
            d = v.to_pydatetime().date() if hasattr(v, "to_pydatetime") else v
            if dates_as_text:
                return d.strftime("%Y/%m/%d"), "@"
            return d, "yyyy/mm/dd"
        return v, fmt

    def emit(row_no, cells):  # cells: list of (value, number_format, bold)
        if write_only:
            out = [None] * (start_col - 1)
            for v, fmt, b in cells:
                c = WriteOnlyCell(ws, value=v)
                if fmt:
                    c.number_format = fmt
                if b:
                    c.font = bold
                out.append(c)
            ws.append(out)
        else:
            for j, (v, fmt, b) in enumerate(cells):
                c = ws.cell(row=row_no, column=start_col + j, value=v)
                if fmt:
                    c.number_format = fmt
                if b:
                    c.font = bold

    row = 1
    if title is not None:
        emit(1, [(title, None, True)])
        if write_only:
            ws.append([])
        row = 3
    emit(row, [(c, None, True) for c in cols])
    for i in range(n):
        row += 1
        emit(row, [convert(c, data[c][i] if i < len(data[c]) else None) + (False,) for c in cols])
    if table and not write_only:
        from openpyxl.worksheet.table import Table, TableStyleInfo
        head = 3 if title is not None else 1
        ref = f"{get_column_letter(start_col)}{head}:{get_column_letter(start_col + len(cols) - 1)}{head + n}"
        t = Table(displayName="DonorList", ref=ref)
        t.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(t)
    wb.save(path)


def kosai_mistake(path_in, path_out, column="個人番号"):
    """Sort only the values of ``column`` (ascending as text), leaving other columns in place."""
    from openpyxl import load_workbook

    wb = load_workbook(path_in)
    for ws in wb.worksheets:
        hit = next(((c.row, c.column) for r in ws.iter_rows(max_row=20) for c in r
                    if c.value == column), None)
        if hit:
            break
    else:
        raise ValueError(f"column {column!r} not found in the first 20 rows")
    hrow, col = hit
    cells = [ws.cell(row=r, column=col) for r in range(hrow + 1, ws.max_row + 1)]
    values = sorted((c.value for c in cells), key=lambda v: (v is None, "" if v is None else str(v)))
    for c, v in zip(cells, values):
        c.value = v
    wb.save(path_out)
