"""The office's settings file: where it is found, what each key changes, and one sentence for every mistake."""
from pathlib import Path

import pytest

from donorguard.core.errors import NoKey, SettingsError
from donorguard.core.rules import DEFAULT
from donorguard.store import audit, keys, rulesets, settings
from donorguard.store.places import bundled, config_dir
from donorguard.text.messages import error_text
from support import book, cli


def user_settings(text: str) -> Path:
    path = config_dir() / "settings.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_no_settings():
    assert settings.location() is None
    assert settings.current() == settings.Settings()
    assert rulesets.default_name() == DEFAULT and settings.language() == "ja"


def test_the_users_file_paths_relative_to_it(tmp_path):
    path = user_settings('rules_folder = "rules"\nkey_file = "~/team.key"\naudit_log = "/srv/log/audit.jsonl"\n'
                         'default_rules = "payroll-report"\non_save = "block"\nlanguage = "en"\n')
    s = settings.current()
    assert s.file == path and s.rules_folder == path.parent / "rules"
    assert s.key_file == Path.home() / "team.key" and s.audit_log == Path("/srv/log/audit.jsonl")
    assert (s.default_rules, s.on_save, s.language) == ("payroll-report", "block", "en")


@pytest.mark.parametrize("make", ["fifo", "huge"])
def test_a_fifo_or_a_huge_file_named_as_settings_is_refused_without_waiting(tmp_path, monkeypatch, make):
    import os
    path = tmp_path / "settings.toml"
    if make == "fifo":
        os.mkfifo(path)                 # read_text would wait for a writer forever
    else:
        path.write_bytes(b"#" * (settings.MAX_BYTES + 1))
    monkeypatch.setenv("DONORGUARD_SETTINGS", str(path))
    with pytest.raises(SettingsError) as e:
        settings.current()
    assert e.value.details["problem"] == "unreadable"


def test_the_environment_names_a_shared_file_which_wins(tmp_path, monkeypatch):
    user_settings('language = "en"\n')
    shared = tmp_path / "share" / "donorguard.toml"
    shared.parent.mkdir()
    shared.write_text('language = "ja"\ndefault_rules = "rules/office.yaml"\n', encoding="utf-8")
    monkeypatch.setenv("DONORGUARD_SETTINGS", str(shared))
    s = settings.current()
    assert s.file == shared and s.language == "ja"
    assert s.default_rules == str(shared.parent / "rules" / "office.yaml")
    shared.unlink()
    with pytest.raises(SettingsError) as e:
        settings.current()
    assert error_text(e.value, "ja") == (f"設定ファイル {shared} がありません（環境変数 DONORGUARD_SETTINGS が"
                                         "指しています）。")


@pytest.mark.parametrize("text, ja, en", [
    ('language = "ja"\n\nkey_fle = "team.key"\n',
     "設定ファイル {f} の 3 行目: key_fle という項目はありません（使える項目: rules_folder, key_file, audit_log, "
     "default_rules, on_save, language）。",
     "Settings file {f}, line 3: unknown key key_fle; expected one of rules_folder, key_file, audit_log, "
     "default_rules, on_save, language."),
    ('# team\n[rules]\nfolder = "x"\n',
     "設定ファイル {f} の 2 行目: rules という項目はありません（使える項目: rules_folder, key_file, audit_log, "
     "default_rules, on_save, language）。", None),
    ('on_save = "ask"\n',
     "設定ファイル {f} の 1 行目: on_save は confirm, block, warn のどれかにしてください。",
     "Settings file {f}, line 1: on_save must be one of confirm, block, warn."),
    ('language = "en"\nkey_file = 7\n',
     '設定ファイル {f} の 2 行目: key_file の値は "…" で囲んだ文字で書いてください。',
     "Settings file {f}, line 2: key_file must be text in quotes."),
    ('language = "en"\nkey_file = "unclosed\n',
     "設定ファイル {f} の 2 行目の書き方に誤りがあります。", "Settings file {f}, line 2: not valid TOML."),
])
def test_every_mistake_names_the_file_and_line(text, ja, en):
    path = user_settings(text)
    with pytest.raises(SettingsError) as e:
        settings.current()
    assert error_text(e.value, "ja") == ja.format(f=path)
    if en:
        assert error_text(e.value, "en") == en.format(f=path)


def test_a_team_key_is_used_and_no_pc_makes_its_own(tmp_path):
    team = keys.create(tmp_path / "team.key")
    user_settings(f'key_file = "{tmp_path / "team.key"}"\n')
    assert keys.find(None, None, create_default=True).id == team.id
    assert keys.find(tmp_path / "team.key").id == team.id
    other = keys.create(tmp_path / "mine.key")
    assert keys.find(tmp_path / "mine.key", None, create_default=True).id == other.id    # --key still first
    (tmp_path / "team.key").unlink()                      # the share is not mounted: say so, make nothing
    with pytest.raises(NoKey):
        keys.find(None, None, create_default=True)
    assert not keys.default_path().exists()


def test_rules_folder_and_default_rule_set(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    text = bundled("rules", "payroll-report.yaml").read_text(encoding="utf-8").replace(
        "name: payroll-report", "name: office-payroll")
    (folder / "office-payroll.yaml").write_text(text, encoding="utf-8")
    user_settings(f'rules_folder = "{folder}"\ndefault_rules = "office-payroll"\n')
    assert rulesets.available() == ["furusato-onestop", "office-payroll", "payroll-report"]
    assert rulesets.default_name() == "office-payroll" and rulesets.load().name == "office-payroll"
    assert rulesets.load("furusato-onestop").name == "furusato-onestop"                # --rules still first


def test_audit_log_after_the_environment_and_the_rule_set(tmp_path, monkeypatch):
    user_settings(f'audit_log = "{tmp_path / "office.jsonl"}"\n')
    monkeypatch.delenv("DONORGUARD_AUDIT_LOG")
    rules = rulesets.load()
    assert audit.default_path(rules) == tmp_path / "office.jsonl"
    rules.audit_log = str(tmp_path / "rules.jsonl")
    assert audit.default_path(rules) == tmp_path / "rules.jsonl"
    monkeypatch.setenv("DONORGUARD_AUDIT_LOG", str(tmp_path / "env.jsonl"))
    assert audit.default_path(rules) == tmp_path / "env.jsonl"


def test_language_and_save_policy(monkeypatch):
    user_settings('language = "en"\non_save = "warn"\n')
    assert settings.language() == "en" and settings.language("ja") == "ja"
    monkeypatch.setenv("DONORGUARD_LANG", "ja")
    assert settings.language() == "ja"
    payroll = rulesets.load("payroll-report")                      # its own policy: block
    assert settings.on_save(payroll) == "warn"
    user_settings('language = "fr"\n')                             # broken: Japanese, and no exception
    monkeypatch.delenv("DONORGUARD_LANG")
    assert settings.language() == "ja"
    user_settings("")
    assert settings.on_save(payroll) == "block"


def test_the_command_line_reads_the_settings(tmp_path):
    path, _ = book(tmp_path, n=5)
    key = keys.create(tmp_path / "team.key")
    user_settings(f'key_file = "{tmp_path / "team.key"}"\nlanguage = "en"\n')
    r = cli(tmp_path, "seal", path, DONORGUARD_LANG="")
    assert r.returncode == 0 and r.stdout.startswith("Sealed: ") and f"key {key.id[:4]}" in r.stdout, r.stderr
    r = cli(tmp_path, "check", path, "--lang", "ja", DONORGUARD_LANG="")
    assert r.returncode == 0 and r.stdout == "問題ありません: 5 行すべてが封印どおりです。\n"
    settings_file = user_settings('key_file = "team.key"\nlanguage = "de"\n')
    r = cli(tmp_path, "check", path, DONORGUARD_LANG="")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == (f"donorguard: 設定ファイル {settings_file} の 2 行目: language は ja, en のどれかに"
                        "してください。\n")


def test_the_readme_example_is_a_valid_settings_file(tmp_path):
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    s = settings.parse(example, tmp_path / "settings.toml")
    assert (s.default_rules, s.on_save, s.language) == ("furusato-onestop", "confirm", "ja")
    assert str(s.key_file).endswith(r"\\fileserver\donorguard\team.key")
