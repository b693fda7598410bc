"""`donorguard doctor` as IT reads it, and the interpreter path as the add-in's VBA will read it."""
import shutil
import sys
from pathlib import Path

import pytest

from donorguard.cli import install
from donorguard.store import keys
from donorguard.store.places import bundled, config_dir
from support import cli

README = Path(__file__).parents[2] / "README.md"


@pytest.fixture
def office(tmp_path):
    """A PC as IT sets it up: settings naming a team key and a log, the add-in installed (in a folder of ours)."""
    keys.create(tmp_path / "team.key")
    settings = config_dir() / "settings.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text(f'key_file = "{tmp_path / "team.key"}"\naudit_log = "{tmp_path / "log" / "audit.jsonl"}"\n',
                        encoding="utf-8")
    r = cli(tmp_path, "install-addin", "--dir", tmp_path / "XLSTART")
    assert r.returncode == 0, r.stderr
    return tmp_path, settings


def doctor(tmp, *args, **env):
    r = cli(tmp, "doctor", "--dir", tmp / "XLSTART", *args, DONORGUARD_AUDIT_LOG="", **env)
    return r, r.stdout.splitlines()


def test_all_ok_exit_0(office):
    tmp, settings = office
    r, lines = doctor(tmp)
    assert r.returncode == 0, r.stdout + r.stderr
    assert lines[0] == "DonorGuard 0.1.0 の診断" and lines[-1] == "すべて正常です。"
    assert all(line.startswith("正常  ") for line in lines[1:-1]), r.stdout
    assert f"正常  設定ファイル: {settings}" in lines
    assert f"正常  監査ログ: {tmp / 'log' / 'audit.jsonl'}（書き込めます）" in lines
    assert f"正常  アドイン: {tmp / 'XLSTART' / 'donorguard.xlam'}（この版のもの）" in lines
    conf = Path.home() / ".donorguard" / "donorguard.conf"
    assert f"正常  アドインが起動する Python（{conf} を cp932 で読んだとき）: {sys.executable}" in lines
    assert "正常  規則: furusato-onestop, payroll-report（既定: furusato-onestop）" in lines
    assert any(line.startswith("正常  封印鍵 ") and line.endswith(f"{tmp / 'team.key'}（本人だけが読めます）")
               for line in lines)
    assert any(line.startswith("正常  xlwings: アドインの VBA 0.37.8、Python 側 0.37.8") for line in lines)
    en = cli(tmp, "doctor", "--dir", tmp / "XLSTART", "--lang", "en", DONORGUARD_AUDIT_LOG="")
    assert en.returncode == 0 and en.stdout.splitlines()[-1] == "All ok."
    assert all(line.startswith("ok    ") for line in en.stdout.splitlines()[1:-1])


def test_each_problem_is_a_line_with_its_fix_exit_1(office):
    tmp, settings = office
    (tmp / "XLSTART" / "donorguard.xlam").write_bytes(b"an older add-in")
    (tmp / "team.key").chmod(0o644)
    r, lines = doctor(tmp)
    assert r.returncode == 1 and lines[-1] == "正常でない項目が 3 個あります。"
    at = lines.index(f"不備  封印鍵 {tmp / 'team.key'} がほかの利用者から読める状態です（chmod 600 {tmp / 'team.key'} "
                     "で直せます）。")
    assert lines[at + 1] == "    → 鍵ファイルを確かめてください（チームの鍵は設定の key_file で指します）。"
    at = lines.index(f"不備  {tmp / 'XLSTART' / 'donorguard.xlam'} はこの版のアドインではありません")
    assert lines[at + 1] == "    → donorguard install-addin を実行してください。"
    assert "注意  アドインを確かめられないため、アドインの xlwings の版もわかりません" in lines
    shutil.rmtree(tmp / "XLSTART")
    r, lines = doctor(tmp)
    assert f"不備  アドインが {tmp / 'XLSTART'} にありません" in lines


def test_a_broken_settings_file_is_one_line_and_the_rest_waits(office):
    tmp, settings = office
    settings.write_text('key_file = "team.key"\nlog = "x"\n', encoding="utf-8")
    r, lines = doctor(tmp)
    assert r.returncode == 1
    at = lines.index(f"不備  設定ファイル {settings} の 2 行目: log という項目はありません（使える項目: rules_folder, "
                     "key_file, audit_log, default_rules, on_save, language）。")
    assert lines[at + 1] == "    → 設定ファイルを直してください（直すまで規則・封印鍵・監査ログは確かめていません）。"
    assert not any("規則:" in line or "封印鍵" in line or "監査ログ:" in line for line in lines[at + 2:])


def test_a_pc_without_settings_or_key_gets_warnings(tmp_path):
    r = cli(tmp_path, "install-addin", "--dir", tmp_path / "XLSTART")
    assert r.returncode == 0
    r, lines = doctor(tmp_path)
    assert r.returncode == 1 and lines[-1] == "正常でない項目が 2 個あります。"
    assert "注意  設定ファイルがありません（既定の設定で動きます）" in lines
    assert f"注意  封印鍵はまだありません。最初の封印で {keys.default_path()} に作られます" in lines
    assert not keys.default_path().exists()                     # the doctor made no key


def test_the_doctor_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    assert "donorguard doctor" in text and "DONORGUARD_SETTINGS" in text and "settings.toml" in text


# -- the add-in's conf file, as VBA reads it ---------------------------------------------------------------

JAPANESE = r"C:\Users\山田太郎\AppData\Local\Programs\Python\Python311\python.exe"


def test_a_utf8_path_is_not_what_a_japanese_windows_reads():
    conf = f'"INTERPRETER_WIN","{JAPANESE}"\r\n'
    seen = install.conf_as_vba_reads(conf.encode("utf-8"), "cp932")["interpreter_win"]
    assert seen != JAPANESE
    assert "郎\\AppData" not in seen and "AppData" in seen     # 郎's last byte is a lead byte: it ate the backslash
    assert install.conf_as_vba_reads(conf.encode("cp932"), "cp932")["interpreter_win"] == JAPANESE


def test_fields_as_input_reads_them():
    text = b'"INTERPRETER_WIN","C:\\a b\\python.exe"\r\n  "interpreter_win" , "second"\r\nUNQUOTED,  plain value  \r\n'
    got = install.conf_as_vba_reads(text, "cp932")
    assert got == {"interpreter_win": "C:\\a b\\python.exe", "unquoted": "plain value"}


def test_the_doctor_shows_what_the_addin_would_start(tmp_path):
    conf = Path.home() / ".donorguard" / "donorguard.conf"
    conf.parent.mkdir(parents=True)
    conf.write_bytes(f'"INTERPRETER_WIN","{JAPANESE}"\r\n'.encode("utf-8"))
    r, lines = doctor(tmp_path)
    seen = install.interpreter_as_vba_reads(conf)
    at = lines.index(f"不備  アドインは {conf} を cp932 で読み、Python を {seen} と読みます。この Python は "
                     f"{sys.executable} です")
    assert lines[at + 1].startswith("    → donorguard install-addin をもう一度実行してください。")
    assert install.vba_codepage() == "cp932"                     # here, no Excel: a Japanese Windows PC's


def test_the_shipped_addin_is_what_install_addin_copies():
    assert install.ADDIN == bundled("addin", "donorguard.xlam") and install.ADDIN.is_file()
