"""The command line as users and other tools see it: exit codes, the exact sentences, JSON shape."""
import json
import os
import re
import stat

import pytest

from donorguard.tools import synth
from support import book, cli, ids_in, leaked, new_key


@pytest.fixture
def sealed(tmp_path):
    path, df = book(tmp_path, n=40, seed=11)
    key = new_key(tmp_path)
    r = cli(tmp_path, "seal", path, "--key", key)
    assert r.returncode == 0, r.stderr
    return tmp_path, path, key, df


def test_key_new_is_private_and_prints_its_id(tmp_path):
    r = cli(tmp_path, "key", "new", tmp_path / "a.key")
    assert r.returncode == 0 and re.fullmatch(r"[0-9a-f]{16}\n", r.stdout)
    assert stat.S_IMODE(os.stat(tmp_path / "a.key").st_mode) == 0o600
    again = cli(tmp_path, "key", "new", tmp_path / "a.key")
    assert again.returncode == 2 and "はすでにあります。封印鍵は上書きしません。" in again.stderr
    assert again.stderr.count("\n") == 1


def test_seal_then_check_clean(sealed):
    tmp, path, key, _ = sealed
    r = cli(tmp, "check", path, "--key", key)
    assert r.returncode == 0
    assert r.stdout == "問題ありません: 40 行すべてが封印どおりです。\n"
    r = cli(tmp, "check", path, "--key", key, "--lang", "en")
    assert r.stdout == "Clean: all 40 rows are as sealed.\n"


def test_kosai_mistake_blocked_with_explanation(sealed):
    tmp, path, key, df = sealed
    bad = tmp / "sorted.xlsx"
    synth.kosai_mistake(path, bad)
    r = cli(tmp, "check", bad, "--key", key)
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    n = int(re.match(r"送付できません: 40 行中 (\d+) 行に問題があります。", lines[0]).group(1))
    assert n >= 30
    assert lines[3].startswith(
        f"  1. [column_sorted_alone] 個人番号 の列が残りの列と別々に並べ替えられ、{n} 行で値が別の人の行に移っています"
        "（行 ")
    assert lines[3].endswith("元に戻す（Ctrl+Z）か、「修復」で封印どおりの行に戻してください。")
    en = cli(tmp, "check", bad, "--key", key, "--lang", "en")
    assert en.stdout.splitlines()[0] == f"Blocked: {n} of 40 rows have problems."
    assert (f"1. [column_sorted_alone] The column(s) 個人番号 were sorted apart from the others, moving values into "
            f"other people's rows in {n} rows") in en.stdout
    assert re.search(r"Row \d+: 個人番号 \(\*\*\*\*-\*\*\*\*-\d{4}\) belongs to row \d+ \(.+\)\.", en.stdout)
    assert not leaked(r.stdout + en.stdout + r.stderr, ids_in(df))


def test_check_json_contract(sealed):
    tmp, path, key, df = sealed
    bad = tmp / "sorted.xlsx"
    synth.kosai_mistake(path, bad)
    r = cli(tmp, "check", bad, "--json", "--key", key)
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert set(doc) == {"status", "rows", "findings", "diagnosis", "notices"} and doc["status"] == "blocked"
    assert doc["rows"] == 40 and doc["notices"] == []
    f = doc["findings"][0]
    assert set(f) == {"row", "kind", "columns", "belongs_at_row", "sealed_row", "message"}
    assert f["kind"] == "separated" and f["columns"] == ["個人番号"] and isinstance(f["belongs_at_row"], int)
    d = doc["diagnosis"][0]
    assert set(d) == {"cause", "rows", "columns", "shift", "message"} and d["cause"] == "column_sorted_alone"
    assert not leaked(r.stdout, ids_in(df))
    clean = json.loads(cli(tmp, "check", path, "--json", "--key", key).stdout)
    assert clean == {"status": "clean", "rows": 40, "findings": [], "diagnosis": [], "notices": []}


def test_repair_export_and_receipt(sealed):
    tmp, path, key, df = sealed
    bad, fixed = tmp / "sorted.xlsx", tmp / "fixed.xlsx"
    synth.kosai_mistake(path, bad)
    before = bad.read_bytes()
    r = cli(tmp, "repair", bad, "--out", fixed, "--key", key)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[0].startswith("修復しました: ")
    assert bad.read_bytes() == before
    blocked = cli(tmp, "export", bad, "--to", tmp / "out", "--key", key)
    assert blocked.returncode == 1 and "何も書き出していません。" in blocked.stdout
    assert not (tmp / "out").exists() or not any((tmp / "out").iterdir())
    r = cli(tmp, "export", fixed, "--to", tmp / "out", "--key", key)
    assert r.returncode == 0, r.stderr
    folder = next((tmp / "out").iterdir())
    receipt = json.loads((folder / "receipt.json").read_text(encoding="utf-8"))
    assert receipt["rows"] == 40 and sum(f["rows"] for f in receipt["files"]) == 40
    csv = (folder / receipt["files"][0]["file"]).read_bytes()
    assert b"\r\n" in csv and csv.decode("cp932").splitlines()[0].startswith("住所地市町村コード,寄附者番号,氏名")
    exported = "".join((folder / f["file"]).read_bytes().decode("cp932") for f in receipt["files"])
    assert ids_in(df) <= set(re.findall(r"\d{12}", exported))
    assert not leaked(json.dumps(receipt) + (tmp / "audit.jsonl").read_text(encoding="utf-8"), ids_in(df))


def test_repair_refuses_in_place(sealed):
    tmp, path, key, _ = sealed
    r = cli(tmp, "repair", path, "--out", path, "--key", key)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


@pytest.mark.parametrize("case, code, text", [
    ("not_sealed", 2, "はまだ封印されていません。正しい一覧であることを確かめてから封印してください。"),
    ("wrong_key", 2, "このパソコンの鍵は"),
    ("missing", 2, "は Excel の .xlsx ブックとして扱えません（ファイルがありません）。"),
    ("no_columns", 2, "はまだ封印されていません。"),          # not sealed: said before the headers
])
def test_cannot_check_is_one_sentence_exit_2(tmp_path, case, code, text):
    path, _ = book(tmp_path, n=5)
    key = new_key(tmp_path)
    if case == "wrong_key":
        assert cli(tmp_path, "seal", path, "--key", key).returncode == 0
        key = new_key(tmp_path, "other.key")
    if case == "missing":
        path = tmp_path / "nope.xlsx"
    if case == "no_columns":
        import openpyxl
        wb = openpyxl.Workbook()
        wb.active.append(["a", "b"])
        wb.save(path)
    r = cli(tmp_path, "check", path, "--key", key)
    assert r.returncode == code and text in r.stderr and r.stderr.count("\n") == 1 and r.stdout == ""
    assert "Traceback" not in r.stderr


def test_wrong_key_message_names_both_keys(sealed):
    tmp, path, key, _ = sealed
    other = new_key(tmp, "other.key")
    r = cli(tmp, "check", path, "--key", other, "--lang", "en")
    assert re.fullmatch(r"donorguard: Sealed with key [0-9a-f]{4}…, this machine has [0-9a-f]{4}…: "
                        r"use the key the list was sealed with\.\n", r.stderr)


def test_unfit_list_is_refused_and_untouched(tmp_path):
    df = synth.make_people(10, seed=3)
    df.loc[4, "個人番号"] = df.loc[4, "個人番号"][:-1] + str((int(df.loc[4, "個人番号"][-1]) + 1) % 10)
    df.loc[7, "個人番号"] = df.loc[2, "個人番号"]
    path = tmp_path / "bad.xlsx"
    synth.write_workbook(df, path)
    before = path.read_bytes()
    key = new_key(tmp_path)
    r = cli(tmp_path, "seal", path, "--key", key)
    assert r.returncode == 1 and path.read_bytes() == before
    assert r.stderr == ("donorguard: この一覧は封印できません: 個人番号が検査用数字が合わない（行 8）、"
                        "同じ個人番号が別の人の行にもあります（行 6, 11）。\n")
    en = cli(tmp_path, "seal", path, "--key", key, "--lang", "en")
    assert en.stderr == ("donorguard: The list cannot be sealed: 個人番号 check_digit in rows 8; "
                         "one 個人番号 on two owners in rows 6, 11.\n")
    assert path.read_bytes() == before and not leaked(r.stderr + en.stderr, ids_in(df))


def test_seal_twice_is_refused(sealed):
    tmp, path, key, _ = sealed
    r = cli(tmp, "seal", path, "--key", key)
    assert r.returncode == 2 and "はすでに封印されています" in r.stderr


def test_approve_added_row(sealed):
    import openpyxl
    tmp, path, key, df = sealed
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    extra = synth.make_people(1, seed=99).iloc[0].tolist()
    ws.append(extra)
    wb.save(path)
    r = cli(tmp, "check", path, "--json", "--key", key)
    doc = json.loads(r.stdout)
    assert r.returncode == 1 and [f["kind"] for f in doc["findings"]] == ["unsealed"]
    row = doc["findings"][0]["row"]
    assert cli(tmp, "approve", path, "--rows", row, "--key", key).returncode == 2  # --reason is required
    r = cli(tmp, "approve", path, "--rows", str(row), "--reason", "寄附受付 追加分", "--key", key)
    assert r.returncode == 0, r.stderr
    assert cli(tmp, "check", path, "--key", key).returncode == 0


def test_approve_refuses_separated_rows(sealed):
    tmp, path, key, _ = sealed
    bad = tmp / "sorted.xlsx"
    synth.kosai_mistake(path, bad)
    r = cli(tmp, "approve", bad, "--rows", "4-43", "--reason", "x", "--key", key)
    assert r.returncode == 1 and re.match(r"donorguard: 行 [\d, -]+ は承認できません", r.stderr)
    assert r.stderr.endswith("は承認できません: 別の人の値が入っています（先に「修復」を実行してください）。\n")


def test_audit_log_chain(sealed):
    """Each action is two lines (write-ahead: its intent, then its outcome), chained and MACed."""
    tmp, path, key, _ = sealed
    cli(tmp, "check", path, "--key", key)
    log = tmp / "audit.jsonl"
    assert cli(tmp, "audit", "verify", log, "--key", key).stdout == "改ざんはありません: 2 行\n"
    cli(tmp, "export", path, "--to", tmp / "o", "--key", key)
    text = log.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert [(json.loads(x)["event"], json.loads(x)["phase"]) for x in lines] == \
        [("seal", "intent"), ("seal", "done"), ("export", "intent"), ("export", "done")]
    assert [json.loads(x).get("intent") for x in lines] == [None, 1, None, 3]
    assert cli(tmp, "audit", "verify", log, "--key", key).stdout == "改ざんはありません: 4 行\n"
    assert cli(tmp, "audit", "verify", log, "--key", key, "--lang", "en").stdout == "intact: 4 lines\n"
    log.write_text(text.replace('"rows": 40', '"rows": 41', 1), encoding="utf-8")
    r = cli(tmp, "audit", "verify", log, "--key", key)
    assert r.returncode == 1 and r.stdout == "1 行目で壊れています: 書き換えられています（MAC が一致しません）\n"
    log.write_text("".join(x + "\n" for x in lines[:3]), encoding="utf-8")           # the last line removed
    r = cli(tmp, "audit", "verify", log, "--key", key, "--lang", "en")
    assert r.returncode == 1 and r.stdout == ("broken after line 3: the last line was removed "
                                              "(head mismatch: audit.jsonl.head records 4)\n")
    r = cli(tmp, "audit", "verify", log, DONORGUARD_KEY_FILE=str(key))        # the key found as for check
    assert r.returncode == 1 and r.stdout.startswith("3 行目の後で壊れています: 最後の 1 行が削除されています")


def test_every_command_has_help_and_is_in_the_readme(tmp_path):
    from pathlib import Path
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for cmd in ["key new", "seal", "check", "repair", "approve", "export", "audit verify", "demo", "install-addin"]:
        r = cli(tmp_path, *cmd.split(), "--help")
        assert r.returncode == 0 and "Usage:" in r.stdout
        assert f"donorguard {cmd}" in readme, cmd


def test_install_addin_copies_the_built_addin_and_sets_the_interpreter(tmp_path):
    import sys
    from pathlib import Path
    r = cli(tmp_path, "install-addin", "--dir", tmp_path / "XLSTART", HOME=str(tmp_path), USERPROFILE=str(tmp_path))
    assert r.returncode == 0, r.stderr
    built = Path(__file__).parents[2] / "addin" / "donorguard.xlam"
    assert (tmp_path / "XLSTART" / "donorguard.xlam").read_bytes() == built.read_bytes()
    conf = (tmp_path / ".donorguard" / "donorguard.conf").read_bytes()
    assert conf == f'"INTERPRETER_WIN","{sys.executable}"\r\n"DONORGUARD_LANG","ja"\r\n' \
                   f'"DONORGUARD_LIVE_GUARD","on"\r\n'.encode()


def test_ids_typed_as_numbers_listed_in_json_then_padded_and_sealed(tmp_path):
    """Every row in --json (the text shortens long lists); --pad-zeros writes the zeros back as text and seals in
    one atomic write; the sealed list checks clean and keeps its IDs whole."""
    df = synth.make_people(40, seed=4, leading_zero_share=0.5)
    path = tmp_path / "n.xlsx"
    synth.write_workbook(df, path, ids_as_numbers=True)
    key = new_key(tmp_path)
    lost = [i + 4 for i, v in enumerate(df["個人番号"]) if v.startswith("0")]
    r = cli(tmp_path, "seal", path, "--key", key, "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 1 and doc["status"] == "refused"
    assert {"column": "個人番号", "reason": "leading_zero_lost", "rows": lost} in doc["problems"]
    r = cli(tmp_path, "seal", path, "--key", key)
    assert r.returncode == 1 and r.stderr.rstrip("\n").endswith(
        f"先頭の 0 は donorguard seal {path} --pad-zeros で補えます（Excel では「封印」で確認します）。")
    r = cli(tmp_path, "seal", path, "--key", key, "--pad-zeros")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].startswith(f"先頭の 0 を補いました: {len(lost)} セル（行 ")
    assert cli(tmp_path, "check", path, "--key", key).returncode == 0
    import openpyxl
    ws = openpyxl.load_workbook(path).active
    j = next(c.column for c in ws[3] if c.value == "個人番号")
    assert [str(ws.cell(r, j).value) for r in range(4, 44)] == list(df["個人番号"])


def test_approve_says_what_it_did(sealed):
    """A row whose person was deleted names --removed; clean rows need nothing (exit 1); the deletion itself is
    approved with --removed."""
    import openpyxl
    tmp, path, key, _ = sealed
    wb = openpyxl.load_workbook(path)
    wb.active.delete_rows(20, 1)
    wb.save(path)
    r = cli(tmp, "check", path, "--key", key)
    assert r.returncode == 1 and f"donorguard approve {path} --removed 20 --reason" in r.stdout
    r = cli(tmp, "approve", path, "--rows", "20", "--reason", "確認", "--key", key)
    assert r.returncode == 1
    assert r.stderr == ("donorguard: 行 20 は承認できません: 封印時のこの行の人は削除されています（削除を承認するには "
                        "--removed を使ってください）。\n")
    r = cli(tmp, "approve", path, "--rows", "5-6", "--reason", "確認", "--key", key)
    assert r.returncode == 1 and r.stderr == "donorguard: 行 5-6 は承認できません: 承認の必要な変更がありません。\n"
    r = cli(tmp, "approve", path, "--removed", "20", "--reason", "重複申請の取り下げ", "--key", key)
    assert r.returncode == 0 and r.stdout == "承認しました: 行 -（削除を承認した封印時の行: 20）\n"
    assert cli(tmp, "check", path, "--key", key).returncode == 0


def test_a_sort_that_left_the_seal_column_out_passes_and_repair_moves_the_seals(sealed):
    """The issue's first case, end to end: exit 0 with a notice (text and --json), export proceeds, repair moves
    only the seal cells back beside their rows."""
    import openpyxl
    tmp, path, key, df = sealed
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    seal_col = next(c.column for c in ws[3] if c.value == "DonorGuard")
    rows = [[ws.cell(r, c).value for c in range(1, seal_col)] for r in range(4, 44)]
    rows.sort(key=lambda v: str(v[1]))                           # by 氏名, the seal column not selected
    for i, v in enumerate(rows):
        for j, x in enumerate(v):
            ws.cell(4 + i, 1 + j).value = x
    wb.save(path)
    r = cli(tmp, "check", path, "--key", key)
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "問題ありません: 40 行すべてが封印どおりです。" and lines[2] == "お知らせ"
    assert lines[3].startswith("  ・封印の列（DonorGuard）が並べ替えに含まれず、")
    doc = json.loads(cli(tmp, "check", path, "--key", key, "--json").stdout)
    assert doc["status"] == "clean" and [n["notice"] for n in doc["notices"]] == ["seals_out_of_place"]
    assert cli(tmp, "export", path, "--to", tmp / "out", "--key", key).returncode == 0
    r = cli(tmp, "repair", path, "--out", tmp / "fixed.xlsx", "--key", key)
    k = len(doc["notices"][0]["rows"])
    assert r.returncode == 0 and r.stdout.splitlines()[0] == (
        f"修復しました: 封印 {k} 個をそれぞれの人の行に戻し、{tmp / 'fixed.xlsx'} に書き出しました。")
    before, after = openpyxl.load_workbook(path).active, openpyxl.load_workbook(tmp / "fixed.xlsx").active
    assert all(before.cell(r, c).value == after.cell(r, c).value for r in range(1, 44) for c in range(1, seal_col))
    fixed = cli(tmp, "check", tmp / "fixed.xlsx", "--key", key)
    assert fixed.stdout == "問題ありません: 40 行すべてが封印どおりです。\n"
