"""Japanese everywhere: every command's main outcomes and errors, run as staff run them (DONORGUARD_LANG unset),
say nothing in English except paths, file names, commands and options, and the documented codes."""
import json
import re
import shutil
import subprocess
import sys
import threading

import openpyxl
import pytest

from donorguard.tools import synth
from support import book, env, new_key

# Words that may stay as they are in a Japanese sentence: names (DonorGuard, Excel, Python, MAC), the
# command and its options, environment variables, the languages' codes, the rule sets' names, the cause
# codes shown in [brackets] and the column header DonorGuard writes.
ALLOWED = {"DonorGuard", "Excel", "Python", "MAC", "Ctrl", "donorguard", "ja", "en", "chmod", "furusato",
           "onestop", "payroll", "report", "DONORGUARD_LANG", "DONORGUARD_DEBUG", "DONORGUARD_KEY_FILE",
           "install", "addin", "python", "vba", "build", "py", "head", "prev", "help", "new", "seal", "check",
           "repair", "approve", "export", "audit", "verify", "demo", "key", "out", "to", "rows", "removed",
           "reason", "keep", "lang", "json", "rules", "xlsx", "csv"}


def english_words(text: str, tmp) -> list:
    """Latin words left once paths, file names, options, codes in brackets, hex key ids and masks are gone."""
    text = text.replace(str(tmp), " ").replace(sys.executable, " ")
    text = re.sub(r"\[[a-z_]+\]", " ", text)                                  # cause codes
    text = re.sub(r"「[^」]*」", " ", text)                                     # what the user typed, quoted
    text = re.sub(r"(?<![\w-])--?[a-z][\w-]*", " ", text)                     # options
    text = re.sub(r"[\w./\\~$-]+\.(xlsx|xlsm|xml|key|jsonl?|csv|head|conf|xlam|yaml)\b", " ", text)
    text = re.sub(r"donorguard-export-\d{8}-\d{6}|donorguard-demo-\w+", " ", text)
    text = re.sub(r"\b[0-9a-f]{4,16}…?", " ", text)                           # key ids
    return [w for w in re.findall(r"[A-Za-z][A-Za-z_]+", text) if w not in ALLOWED]


def run(tmp, *args, **extra):
    lang = extra.pop("DONORGUARD_LANG", None)
    e = env(tmp, **extra)
    e.pop("DONORGUARD_LANG", None)                                             # staff's default
    if lang:
        e["DONORGUARD_LANG"] = lang
    r = subprocess.run([sys.executable, "-m", "donorguard", *map(str, args)], capture_output=True, text=True,
                       env=e, timeout=180)
    return r


def say(tmp, *args, code=None, **extra):
    r = run(tmp, *args, **extra)
    words = english_words(r.stdout + r.stderr, tmp)
    assert not words, (args, words, r.stdout[-1500:] + r.stderr)
    if code is not None:
        assert r.returncode == code, (args, r.returncode, r.stdout[-800:], r.stderr)
    return r


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ja")
    path, _ = book(tmp, n=40, seed=21)
    key = new_key(tmp)
    assert run(tmp, "seal", path, "--key", key).returncode == 0
    kosai = tmp / "kosai.xlsx"
    synth.kosai_mistake(path, kosai)
    return tmp, path, key, kosai


def test_every_command_speaks_japanese(place):
    tmp, path, key, kosai = place
    plain, _ = book(tmp, n=10, seed=3, name="plain.xlsx")
    say(tmp, "key", "new", tmp / "k2.key", code=0)
    say(tmp, "key", "new", tmp / "k2.key", code=2)
    r = say(tmp, "seal", plain, code=0)                                        # a new per-user key: said
    assert "新しい封印鍵" in r.stderr and r.stdout.startswith("封印しました: ")
    say(tmp, "seal", path, "--key", key, code=2)                                # already sealed
    say(tmp, "check", path, "--key", key, code=0)
    r = say(tmp, "check", kosai, "--key", key, code=1)
    assert "別の人の値" in r.stdout                                             # the kind, in words
    say(tmp, "check", kosai, "--key", tmp / "nope.key", code=2)                 # the key file does not exist
    say(tmp, "check", tmp / "nope.xlsx", "--key", key, code=2)
    say(tmp, "check", plain, "--key", key, code=2)                              # not sealed
    say(tmp, "check", path, "--key", tmp / "k2.key", code=2)                   # another key
    say(tmp, "repair", kosai, "--out", tmp / "fixed.xlsx", "--key", key, code=0)
    say(tmp, "repair", path, "--out", tmp / "again.xlsx", "--key", key, code=0)   # nothing to repair
    say(tmp, "repair", kosai, "--out", kosai, "--key", key, code=2)            # in place
    say(tmp, "approve", kosai, "--rows", "4-43", "--reason", "x", "--key", key, code=1)
    say(tmp, "approve", kosai, "--reason", "x", "--key", key, code=2)          # no rows
    say(tmp, "approve", kosai, "--rows", "a-b", "--reason", "x", "--key", key, code=2)
    say(tmp, "export", kosai, "--to", tmp / "out", "--key", key, code=1)
    say(tmp, "export", tmp / "fixed.xlsx", "--to", tmp / "out", "--key", key, code=0)
    say(tmp, "audit", "verify", tmp / "audit.jsonl", "--key", key, code=1)       # a line by another key
    say(tmp, "audit", "verify", tmp / "none.jsonl", code=2)
    say(tmp, "install-addin", "--dir", tmp / "XLSTART", code=0, HOME=str(tmp), USERPROFILE=str(tmp))
    say(tmp, "check", code=2)                                                   # click's own mistakes
    say(tmp, "check", path, "--bogus", code=2)
    say(tmp, "check", path, "--lang", "fr", code=2)
    say(tmp, "chek", path, code=2)
    say(tmp, "export", path, code=2)
    say(tmp, "repair", path, "--out", code=2)
    say(tmp, "check", path, "extra", code=2)
    say(tmp, "check", tmp / "bad.xlsx", "--key", key, code=2)


def test_the_demo_speaks_japanese(tmp_path):
    r = say(tmp_path, "demo", "--keep", tmp_path / "demo", code=0)
    assert "行を封印しました" in r.stdout and "セルを封印どおりの行に戻しました" in r.stdout


def test_audit_verify_names_a_broken_line_in_japanese(place, tmp_path):
    tmp, path, key, _ = place
    log = tmp_path / "audit.jsonl"
    shutil.copyfile(tmp / "audit.jsonl", log)
    shutil.copyfile(str(tmp / "audit.jsonl") + ".head", str(log) + ".head")
    lines = log.read_text(encoding="utf-8").splitlines()
    log.write_text(lines[0].replace('"rows": 40', '"rows": 41') + "\n" + "\n".join(lines[1:]) + "\n",
                   encoding="utf-8")
    r = say(tmp_path, "audit", "verify", log, "--key", key, code=1)
    assert r.stdout == "1 行目で壊れています: 書き換えられています（MAC が一致しません）\n"


# -- what happened, said as such (issue 16, item 7) --------------------------------------------------

def test_an_unknown_language_variable_names_the_variable(place):
    tmp, path, key, _ = place
    r = run(tmp, "check", path, "--key", key, DONORGUARD_LANG="english")
    assert r.returncode == 2 and r.stderr == ("donorguard: 環境変数 DONORGUARD_LANG の値「english」は使えません"
                                              "（ja か en を指定してください）。\n")


def test_json_errors_are_json(place):
    tmp, path, key, _ = place
    r = run(tmp, "check", path, "--json", "--key", tmp / "missing.key")
    said = f"封印鍵のファイル {tmp / 'missing.key'} がありません。--key の場所を確かめてください。"
    assert r.returncode == 2 and r.stderr == f"donorguard: {said}\n"
    assert json.loads(r.stdout) == {"status": "error", "error": "KeyFileMissing", "message": said}


def test_usage_errors_are_one_sentence(place):
    tmp, path, _, _ = place
    r = run(tmp, "repair", path)
    assert r.returncode == 2 and r.stderr == ("donorguard: --out を指定してください（donorguard repair --help で"
                                              "使い方を表示します）。\n")
    r = run(tmp, "chek", path)
    assert r.stderr == "donorguard: 「chek」というコマンドはありません（donorguard --help で一覧を表示します）。\n"
    r = run(tmp, "check", path, "--lang", "en", "--bogus")
    assert r.stderr == "donorguard: There is no option --bogus (donorguard check --help shows how).\n"


def test_repair_in_place_says_a_repair_writes_a_copy(place):
    tmp, path, key, kosai = place
    r = run(tmp, "repair", kosai, "--out", kosai, "--key", key)
    assert r.returncode == 2 and r.stderr == (f"donorguard: 修復は別のファイルに書き出します。--out には {kosai} "
                                              "以外のファイルを指定してください。\n")


def test_repair_with_nothing_to_fix_writes_nothing(place):
    tmp, path, key, _ = place
    out = tmp / "nothing.xlsx"
    r = run(tmp, "repair", path, "--out", out, "--key", key)
    assert r.returncode == 0 and not out.exists()
    assert r.stdout == f"修復の必要はありません: {path} は封印どおりです。何も書き出していません。\n"


def test_check_of_an_unsealed_list_with_other_headers_says_not_sealed(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["番号", "名前"])
    wb.save(tmp_path / "other.xlsx")
    r = run(tmp_path, "check", tmp_path / "other.xlsx", "--key", new_key(tmp_path))
    assert r.returncode == 2 and "はまだ封印されていません" in r.stderr


def test_a_workbook_open_in_excel(place, tmp_path):
    tmp, path, key, kosai = place
    work = tmp_path / "list.xlsx"
    shutil.copyfile(path, work)
    (tmp_path / "~$list.xlsx").write_bytes(b"owner")                            # Excel's owner file
    before = work.read_bytes()
    for args in (("approve", work, "--rows", "4", "--reason", "x"), ("repair", work, "--out", tmp_path / "f.xlsx")):
        r = run(tmp_path, *args, "--key", key)
        assert r.returncode == 2 and r.stderr == (f"donorguard: {work} は Excel で開かれているか、ほかのプログラムが"
                                                  "使用中です。Excel で閉じてから実行するか、Excel の DonorGuard "
                                                  "タブを使ってください。\n")
    plain, _ = book(tmp_path, n=5, name="new.xlsx")
    (tmp_path / "~$new.xlsx").write_bytes(b"owner")
    assert run(tmp_path, "seal", plain, "--key", key).returncode == 2
    assert work.read_bytes() == before and not (tmp_path / "f.xlsx").exists()
    r = run(tmp_path, "check", work, "--key", key)
    assert r.returncode == 0 and r.stderr.startswith(f"donorguard: 注意: {work} は Excel で開かれています。"
                                                     "保存済みの内容を読みました")


def test_a_busy_lock_says_at_once_that_it_waits(place, tmp_path):
    from donorguard.store.fsio import lock
    tmp, path, key, _ = place
    work = tmp_path / "list.xlsx"
    shutil.copyfile(path, work)
    held, done = threading.Event(), threading.Event()

    def hold():
        with lock(work):
            held.set()
            done.wait(20)
    threading.Thread(target=hold, daemon=True).start()
    held.wait(10)
    e = env(tmp_path)
    p = subprocess.Popen([sys.executable, "-m", "donorguard", "approve", str(work), "--rows", "4", "--reason", "x",
                          "--key", str(key)], stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=e)
    first = p.stderr.readline()
    done.set()
    p.communicate(timeout=60)
    assert first == f"donorguard: {work} は別の DonorGuard が使用中です。終わるのを待っています…\n"


def test_an_edit_of_the_amount_is_not_an_owner_change(place, tmp_path):
    tmp, path, key, _ = place
    work = tmp_path / "list.xlsx"
    shutil.copyfile(path, work)
    wb = openpyxl.load_workbook(work)
    ws = wb.worksheets[0]
    col = next(c.column for c in ws[3] if c.value == "寄附金額")
    ws.cell(10, col).value = 99999
    wb.save(work)
    doc = json.loads(run(tmp_path, "check", work, "--json", "--key", key).stdout)
    assert [f["kind"] for f in doc["findings"]] == ["value_changed"]
    assert "値の書き換え" in run(tmp_path, "check", work, "--key", key).stdout


def test_columns_are_named_as_the_sheet_heads_them(tmp_path):
    """The sheet says マイナンバー: so do the messages, with the rule set's name beside it; JSON keeps the rule
    set's names (the contract)."""
    path, _ = book(tmp_path, n=30, seed=8)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    next(c for c in ws[3] if c.value == "個人番号").value = "マイナンバー"
    wb.save(path)
    key = new_key(tmp_path)
    assert run(tmp_path, "seal", path, "--key", key).returncode == 0
    kosai = tmp_path / "kosai.xlsx"
    synth.kosai_mistake(path, kosai, column="マイナンバー")
    r = run(tmp_path, "check", kosai, "--key", key)
    assert "マイナンバー（個人番号） の列が残りの列と別々に並べ替えられ" in r.stdout
    assert re.search(r"\d+ 行目の マイナンバー（個人番号） \(\*\*\*\*-\*\*\*\*-\d{4}\) は \d+ 行目", r.stdout)
    doc = json.loads(run(tmp_path, "check", kosai, "--key", key, "--json").stdout)
    assert doc["diagnosis"][0]["columns"] == ["個人番号"]
