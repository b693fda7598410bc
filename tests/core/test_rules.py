"""core/rules.py: rules that could hurt are refused at load, naming the file, the key and its line; the
shipped rule sets load. store/rulesets.py: rules files are read only if regular and small."""
import os

import pytest

from donorguard.core.errors import RulesError
from donorguard.core.rules import FILE_NAME_PROBLEMS, MAX_NODES, file_name_problem, parse
from donorguard.store import rulesets

BASE = rulesets.find().read_text("utf-8")


def refused(text: str, src="team.yaml") -> RulesError:
    with pytest.raises(RulesError) as e:
        parse(text, src)
    return e.value


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_the_shipped_rule_sets_load():
    for name in rulesets.available():
        assert rulesets.load(name).name == name


@pytest.mark.parametrize("key, old, new", [
    ("export.by", "  by: 住所地市町村コード", "  by: 個人番号"),
    ("destination", "destination: 住所地市町村コード", "destination: 個人番号"),
])
def test_an_id_column_never_names_files_destinations_or_receipts(key, old, new):
    text = BASE.replace(old, new)
    e = refused(text)
    assert e.details["file"] == "team.yaml"
    assert e.details["key"] == f"{key} (line {line_of(text, new.strip())})"
    assert "ID numbers" in e.details["problem"]


@pytest.mark.parametrize("template, says", [
    ("{destination}_{0}", "unknown field {0}"),
    ("{destination}_{}", "unknown field {}"),
    ("{destination}_{municipality}", "unknown field {municipality}"),
    ("{destination}_{rules.__class__}", "unknown field {rules.__class__}"),
    ("{destination}_{rules[0]}", "unknown field {rules[0]}"),
    ("{destination:>999999999}", "takes no format"),
    ("{destination!r}", "takes no format or conversion"),
    ("{destination", "not a valid template"),
    ("{destination}\\u0000x", "path separator, a control character"),
    ("{destination}\\nx", "path separator, a control character"),
    ("../{destination}", "path separator"),
    ("sub/{destination}", "path separator"),
    ("{destination}:x", "path separator"),
    ("ワンストップ_{date}", "must contain {destination}"),
    ("x" * 200 + "{destination}", "at most 200 characters"),
    ("{destination}" + "x" * 115, "longer than 120 characters"),
    ("{destination}_.", "ends with a dot or a space"),
])
def test_file_name_templates_are_checked_at_load(template, says):
    text = BASE.replace('file_name: "{destination}_ワンストップ特例_{date}"', f'file_name: "{template}"')
    e = refused(text)
    assert e.details["key"] == f"export.file_name (line {line_of(text, 'file_name:')})", e
    assert says in e.details["problem"], e.details["problem"]


@pytest.mark.parametrize("name, problem", [
    ("CON", "reserved"), ("nul.csv", "reserved"), ("com1", "reserved"), ("LPT9 .txt", "reserved"),
    ("conin$", "reserved"), ("a/b", "unsafe"), ("a\\b", "unsafe"), ("a\tb", "unsafe"), ("a\x7fb", "unsafe"),
    ("a?", "unsafe"), ("a.", "trailing"), ("a ", "trailing"), ("", "empty"), ("..", "empty"),
    ("x" * 121, "too_long"), ("131016_ワンストップ特例_20260101", None), ("CONSOLE", None), ("com10", None),
])
def test_file_name_problem(name, problem):
    assert file_name_problem(name) == problem
    assert problem is None or problem in FILE_NAME_PROBLEMS


def test_a_reserved_name_in_a_template_is_refused():
    text = BASE.replace("name: furusato-onestop", "name: AUX").replace(
        'file_name: "{destination}_ワンストップ特例_{date}"', 'file_name: "{rules}"').replace(
        "  by: 住所地市町村コード", "  by: null")
    assert "must be a plain file name" in refused(text).details["problem"]        # the name itself, first


def test_rule_set_names_go_into_file_names_so_they_are_plain():
    for bad in ("a/b", "x" * 65, "CON", "."):
        e = refused(BASE.replace("name: furusato-onestop", f'name: "{bad}"'))
        assert e.details["key"].startswith("name (line"), (bad, e)


def test_a_split_list_needs_destination_in_its_file_names_but_one_file_does_not():
    text = BASE.replace('file_name: "{destination}_ワンストップ特例_{date}"', 'file_name: "一覧_{date}"')
    assert "must contain {destination}" in refused(text).details["problem"]
    one = text.replace("  by: 住所地市町村コード", "  by: null")
    assert parse(one, "one.yaml").export["file_name"] == "一覧_{date}"


def test_header_search_rows_is_bounded():
    for bad in ("0", "1001", "100000000", "x", "true"):
        e = refused(BASE.replace("header_search_rows: 20", f"header_search_rows: {bad}"))
        assert e.details["key"].startswith("header_search_rows"), bad


def alias_bomb(levels=9) -> str:
    """The rules with 氏名's aliases nine levels of nine aliases deep: 9**9 (387 million) strings once expanded,
    which str() of each alias would then turn into gigabytes."""
    names = "abcdefghijklmnop"
    nest = ["&a [" + ", ".join(["lol"] * 9) + "]"]
    nest += [f"&{names[k]} [" + ", ".join([f"*{names[k - 1]}"] * 9) + "]" for k in range(1, levels)]
    return BASE.replace("aliases: [名前, 氏名（漢字）, 寄附者氏名]", "aliases: [" + ", ".join(nest) + "]")


def test_yaml_alias_expansion_is_bounded():
    e = refused(alias_bomb())
    assert e.details["key"] == "(file)" and f"more than {MAX_NODES}" in e.details["problem"]


def test_a_few_aliases_are_fine():
    text = BASE.replace("columns:                  #", "x_aliases: &al [寄付者番号, 寄附者No]\ncolumns:  #", 1)
    assert "unknown key" in refused(text).details["problem"]            # parsed: only the unknown key is refused
    text = BASE.replace("aliases: [寄付者番号, 寄附者No, 寄附者ID]", "aliases: &al [寄付者番号, 寄附者No, 寄附者ID]")
    text = text.replace("aliases: [名前, 氏名（漢字）, 寄附者氏名]", "aliases: *al")
    assert parse(text, "ok.yaml").column("氏名").aliases == ("寄付者番号", "寄附者No", "寄附者ID")


def test_recursive_and_deep_documents_are_refused():
    assert refused("a: &a [*a]\n").details["key"] in ("(file)", "(line 1)")
    assert refused("[" * 5000 + "]" * 5000).details["key"] in ("(file)", "(line 1)")


def test_signed_is_kept_in_the_snapshot_only_when_set():
    rules = parse(BASE.replace("{name: 寄附金額, kind: amount,", "{name: 寄附金額, kind: amount, signed: true,"), "s")
    snap = rules.snapshot()
    assert [c.get("signed") for c in snap["columns"]] == [None] * 10 + [True]
    assert "signed" not in str(parse(BASE, "b").snapshot())


# -- reading rules files ------------------------------------------------------------------------------

def test_rules_files_must_be_regular_and_small(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text(BASE + "#" * (rulesets.MAX_SIZE + 1), "utf-8")
    assert refusal_of(big) == "larger than 256 KB"
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert refusal_of(fifo) == "not a regular file"                # and it does not wait for a writer
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    assert refusal_of(folder) == "not a regular file"
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(BASE.encode("utf-8") + b"# \xff\n")
    assert refusal_of(bad) == "not UTF-8 text"
    assert refusal_of(tmp_path / "none.yaml") == "no such rule set"


def refusal_of(path) -> str:
    with pytest.raises(RulesError) as e:
        rulesets.load(path)
    assert e.value.details["file"] == str(path) and e.value.details["key"] == "(file)"
    return e.value.details["problem"]
