"""Rule sets on disk: found by name or path; what is wrong fails at load, naming the file and the line."""
import pytest

from donorguard.core.errors import RulesError
from donorguard.store import rulesets
from donorguard.store.places import config_dir

GOOD = rulesets.find("furusato-onestop").read_text(encoding="utf-8")


def write(tmp_path, text, name="r.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_the_shipped_rule_sets_load_and_are_listed():
    assert {"furusato-onestop", "payroll-report"} <= set(rulesets.available())
    for name in rulesets.available():
        assert rulesets.load(name).name == name


def test_a_team_rules_folder_comes_first(tmp_path):
    write(tmp_path, GOOD.replace("name: furusato-onestop", "name: ours"), "ours.yaml")
    settings = config_dir() / "settings.toml"                 # the team's folder, named in the settings
    settings.parent.mkdir(parents=True)
    settings.write_text(f'rules_folder = "{tmp_path}"\n', encoding="utf-8")
    assert "ours" in rulesets.available() and rulesets.load("ours").name == "ours"
    assert rulesets.load().name == "furusato-onestop"


@pytest.mark.parametrize("edit, where, problem", [
    (("kind: mynumber", "kind: mynumbr"), "columns[7].kind", "unknown kind 'mynumbr'"),
    (("  on_save: confirm", "  on_save: maybe"), "policies.on_save", "must be one of confirm, block, warn"),
    (("header_search_rows: 20", "header_search_row: 20"), "header_search_row", "unknown key"),
    (("id: 個人番号", "id: 番号"), "id", "'番号' is not one of the columns"),
])
def test_a_mistake_names_file_key_and_line(tmp_path, edit, where, problem):
    p = write(tmp_path, GOOD.replace(*edit, 1))
    line = GOOD[:GOOD.index(edit[0])].count("\n") + 1
    with pytest.raises(RulesError) as e:
        rulesets.load(str(p))
    assert str(e.value).startswith(f"{p}: {where} (line {line}): {problem}")


def test_not_yaml_and_no_such_file(tmp_path):
    with pytest.raises(RulesError, match=r"\(line 2\): not valid YAML"):
        rulesets.load(str(write(tmp_path, "name: x\n  columns: [\n")))
    with pytest.raises(RulesError, match="no such rule set"):
        rulesets.load("no-such-set")
