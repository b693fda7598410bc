"""Export on real .xlsx files: the files hold exactly what a cell-by-cell writer writes, and the read-back
check refuses any file that does not hold what the check verified against the seals (nothing is exported)."""
import csv
import io

import numpy as np
import openpyxl
import pyarrow as pa
import pytest

from donorguard.cli import ops as files
from donorguard.core import export
from donorguard.core.errors import ExportVerifyFailed
from donorguard.store import rulesets as rules_mod
from donorguard.tools import synth
from donorguard.xlsx import outbound
from support import new_key

RULES = rules_mod.load()
HOSTILE = ["", " ", "a,b", 'say "hi"', '"', '""', "line\nbreak", "cr\rhere", "crlf\r\nx", " lead", "trail ",
           "山田\u3000太郎", "ｶﾀｶﾅ", ",", "\t", "=1+2", "x" * 300, "髙﨑"]


def writer_text(names, rows) -> str:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(names)
    w.writerows(rows)
    return buf.getvalue()


@pytest.mark.parametrize("ncols", [1, 2, 5])
@pytest.mark.parametrize("nrows", [0, 1, 40])
def test_csv_text_is_what_csv_writer_writes(ncols, nrows):
    names = ["住所,番地", 'say "x"', "氏名", "a\nb", "z"][:ncols]
    rows = [[HOSTILE[(3 * i + j) % len(HOSTILE)] for j in range(ncols)] for i in range(nrows)]
    table = pa.table({n: pa.array([r[j] for r in rows], pa.large_string()) for j, n in enumerate(names)})
    assert outbound.csv_text(table) == writer_text(names, rows)


@pytest.fixture
def hostile(tmp_path):
    """A sealed list whose cells need quoting, trimming, canonicalising and formatting."""
    df = synth.make_people(40, seed=5)
    df.loc[0, "氏名"] = '山田, "太郎"'
    df.loc[1, "住所"] = "東京都千代田区\n丸の内1-1"
    df.loc[2, "氏名"] = "  佐藤\u3000 花子 "
    df.loc[3, "フリガナ"] = "ｻﾄｳ ﾊﾅｺ"
    df.loc[4, "郵便番号"] = "〒100-0001"
    df.loc[5, "住所"] = "大阪市北区,梅田\r\n2-2"
    path = tmp_path / "list.xlsx"
    synth.write_workbook(df, path)
    key = new_key(tmp_path)
    files.seal_file(path, RULES, key)
    return tmp_path, path, key


def reference(path, key):
    """Each destination's rows as the export should write them, one cell at a time."""
    book, report, _ = files.check_file(path, RULES, key)
    ex = export.rules_of(book.manifest).export
    out = {}
    for i in range(len(book.table)):
        row = []
        for c in ex["columns"]:
            kind = book.rules.column(c).kind
            if kind in ("text", "kana"):
                raw = book.table.values[c].iloc[i]
                row.append("" if raw != raw or raw is None else str(raw).strip())
            else:
                row.append(export._fmt(kind, report.canon[c].iloc[i], ex["date_format"]))
        out.setdefault(report.canon[ex["by"]].iloc[i], []).append(row)
    return ex["columns"], out


def test_csv_export_holds_exactly_the_reference_rows(hostile):
    tmp, path, key = hostile
    folder, receipt, _ = files.export_file(path, tmp / "out", RULES, key)
    names, expected = reference(path, key)
    assert [f["destination"] for f in receipt["files"]] == sorted(expected)
    for f in receipt["files"]:
        written = (folder / f["file"]).read_bytes()
        assert written == writer_text(names, expected[f["destination"]]).encode("cp932")
        assert f["rows"] == len(expected[f["destination"]])
    text = "".join((folder / f["file"]).read_bytes().decode("cp932") for f in receipt["files"])
    assert '"山田, ""太郎"""' in text and "佐藤\u3000 花子" in text and "100-0001" in text


def test_xlsx_export_holds_the_reference_rows(hostile):
    tmp, path, key = hostile
    folder, receipt, _ = files.export_file(path, tmp / "out", RULES, key, fmt="xlsx")
    names, expected = reference(path, key)
    for f in receipt["files"]:
        rows = [list(r) for r in openpyxl.load_workbook(folder / f["file"]).active.iter_rows(values_only=True)]
        assert rows == [names] + [[v if v != "" else None for v in r] for r in expected[f["destination"]]]


def _rewrite(path, change):
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("cp932"), newline="")))
    path.write_bytes(writer_text(rows[0], change(rows[1:])).encode("cp932"))


def _swap_ids(rows):
    j = 8  # 個人番号 in the export columns
    rows[0][j], rows[1][j] = rows[1][j], rows[0][j]
    return rows


def _shift_date(rows):
    rows[0][5] = "1900/01/01"
    return rows


def _swap_rows(rows):
    return [rows[1], rows[0], *rows[2:]]


@pytest.mark.parametrize("change", [_swap_ids, _shift_date, _swap_rows, lambda rows: rows[:-1],
                                    lambda rows: rows + [rows[0]]], ids=["ids", "date", "rows", "drop", "extra"])
def test_a_file_unlike_the_checked_values_exports_nothing(hostile, monkeypatch, change):
    tmp, path, key = hostile
    real = outbound._write
    damaged = []

    def write_then_damage(values, p, fmt, encoding):
        real(values, p, fmt, encoding)
        if not damaged and values.num_rows >= 2:
            _rewrite(p, change)
            damaged.append(p.name)
    monkeypatch.setattr(outbound, "_write", write_then_damage)
    with pytest.raises(ExportVerifyFailed) as e:
        files.export_file(path, tmp / "out", RULES, key)
    assert damaged and damaged[0] in str(e.value)
    assert not (tmp / "out").exists()              # not even the folder --to named: this export made it


def test_a_row_no_person_lives_in_is_not_exported(hostile):
    """Export writes only rows the check found a person in (a seal left in a row of its own is not one), and
    its read-back refuses a batch holding any other row."""
    tmp, path, key = hostile
    book, report, k = files.check_file(path, RULES, key)
    assert report.clean
    made = export.batches(book.table, report, book.manifest)
    report.people = np.delete(np.arange(len(book.table)), 3)
    assert 3 not in np.concatenate([b.positions for b in export.batches(book.table, report, book.manifest)])
    back = [b.values for b in made]
    assert export.verify(made, back, book.table, report, RULES) == next(i for i, b in enumerate(made)
                                                                       if 3 in b.positions)



def test_xlsx_export_escapes_text_as_the_seal_writer_does():
    """One rule for what a reader would take for an escape: "_x" with one to four hex digits (LibreOffice reads
    those; calamine four), overlapping ones too. The export's Arrow path agrees with sheetxml.escape_text."""
    from donorguard.xlsx import sheetxml
    texts = ["a_x5_b", "_x0041_x0042_", "a_x00aF_b", "x_x1234_y_x5678_z", "a_x12345_b", "a_x_b", "田中 & <太郎>",
             "none"]
    assert outbound._xml_text(pa.array(texts, pa.large_string())).to_pylist() == \
        [sheetxml.escape_text(t) for t in texts]
    assert sheetxml.escape_text("_x0041_x0042_") == "_x005F_x0041_x005F_x0042_"
