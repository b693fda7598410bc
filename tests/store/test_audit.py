"""store/audit.py, the write-ahead rule: an action's intent is in the log before the action commits, its
outcome after; an action whose intent cannot be written does not run; a line is written whole or not at all.
The log is made unwritable for real: a folder in its place, a read-only file system, a full one (a small
tmpfs: the kernel says ENOSPC)."""
import errno
import json
import os

import pytest

from donorguard.core.errors import ActionUnfinished, AuditOutcomeUnwritten, AuditUnwritable
from donorguard.store import audit, keys
from donorguard.text.messages import error_text
from support import fill, read_only, small_fs


@pytest.fixture
def key(tmp_path):
    return keys.create(tmp_path / "k.key")


@pytest.fixture
def log(tmp_path, monkeypatch):
    path = tmp_path / "logs" / "audit.jsonl"
    monkeypatch.setenv("DONORGUARD_AUDIT_LOG", str(path))
    return path


def lines(path) -> list:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines()]


def test_intent_then_action_then_outcome(log, key):
    seen = []
    with audit.action("seal", key=key, workbook="list.xlsx", rows=3) as done:
        seen.append(lines(log))                      # the body runs after its intent is in the log
        done.update(workbook_sha256="ab" * 32)
    intent, outcome = lines(log)
    assert seen == [[intent]]
    assert (intent["event"], intent["phase"], intent["rows"], intent["workbook"]) == ("seal", "intent", 3, "list.xlsx")
    assert (outcome["phase"], outcome["intent"], outcome["workbook_sha256"]) == ("done", 1, "ab" * 32)
    assert audit.verify(log, [key]).ok


def test_a_failed_action_is_logged_and_its_error_goes_on(log, key):
    with pytest.raises(ZeroDivisionError):
        with audit.action("export", key=key, workbook="list.xlsx"):
            raise ZeroDivisionError
    assert [(x["phase"], x.get("error"), x.get("intent")) for x in lines(log)] == \
        [("intent", None, None), ("failed", "ZeroDivisionError", 1)]
    assert audit.verify(log, [key]).ok


@pytest.mark.parametrize("failure, why_ja, why_en", [
    (OSError(errno.ENOSPC, "No space left on device"), "ディスクの空きがありません", "the disk is full"),
    (KeyboardInterrupt(), "中断されました", "interrupted"),
])
def test_a_failure_after_the_change_was_written_never_says_nothing_changed(log, key, failure, why_ja, why_en):
    """Written, then stopped (a hash of the written file, a read-back, Ctrl+C): the sentence says it was written."""
    with pytest.raises(ActionUnfinished) as e:
        with audit.action("repair", key=key, workbook="list.xlsx") as done:
            done.committed = True
            raise failure
    assert isinstance(e.value.__cause__, type(failure))
    assert error_text(e.value, "ja") == f"修復の書き込みは済んでいます。その後で処理が止まりました（{why_ja}）。" \
                                        "ファイルをもう一度検査してください。"
    assert error_text(e.value, "en") == f"The repair was written, then DonorGuard stopped ({why_en}); check the " \
                                        "file again."
    assert [(x["phase"], x.get("written")) for x in lines(log)] == [("intent", None), ("failed", True)]
    assert audit.verify(log, [key]).ok


def test_no_intent_no_action_when_the_log_is_a_folder(log, key):
    log.mkdir(parents=True)
    ran = []
    with pytest.raises(AuditUnwritable) as e:
        with audit.action("seal", key=key, workbook="list.xlsx"):
            ran.append(True)
    assert not ran
    assert e.value.details["errno"] == "EISDIR" and e.value.details["log"] == str(log)
    assert error_text(e.value, "ja") == f"監査ログ {log} に書き込めないため、何もしていません" \
                                        "（ファイルではなくフォルダーです）。"
    assert error_text(e.value, "en") == f"Nothing was done: the audit log {log} cannot be written (it is a folder, " \
                                        "not a file)."


def test_an_outcome_that_cannot_be_written_says_the_action_was_done(log, key):
    with pytest.raises(AuditOutcomeUnwritten) as e:
        with audit.action("export", key=key, workbook="list.xlsx"):
            os.replace(log, log.with_name("moved.jsonl"))      # the log's place taken by a folder meanwhile
            log.mkdir()
    assert error_text(e.value, "ja").startswith(f"書き出しは完了しましたが、その結果を監査ログ {log} に書けません")
    assert error_text(e.value, "en").startswith("The export was carried out, but its outcome could not be written")
    assert [x["phase"] for x in lines(log.with_name("moved.jsonl"))] == ["intent"]


def test_a_line_whose_head_cannot_be_written_is_cut_back_off(log, key):
    audit.record("seal", key=key, workbook="a.xlsx")
    before = log.read_bytes()
    head = audit.head_path(log)
    head.unlink()
    head.mkdir()                                                 # the head cannot be replaced
    with pytest.raises(OSError):
        audit.record("export", key=key, workbook="a.xlsx")
    assert log.read_bytes() == before


def test_text_fields_are_scrubbed_and_hashes_are_not(log, key):
    audit.record("seal", key=key, workbook="名簿 123456789018.xlsx", folder="/x/1234 5678 9018",
                 workbook_sha256="123456789018" + "a" * 52, rows=3)
    line = lines(log)[0]
    assert line["workbook"] == "名簿 ****-****-9018.xlsx" and line["folder"] == "/x/****-****-9018"
    assert line["workbook_sha256"] == "123456789018" + "a" * 52
    assert audit.verify(log, [key]).ok


def test_a_full_file_system_refuses_the_action_and_leaves_the_log_whole(tmp_path, monkeypatch, key):
    with small_fs(tmp_path / "small", "64k") as fs:
        log = fs / "audit.jsonl"
        monkeypatch.setenv("DONORGUARD_AUDIT_LOG", str(log))
        audit.record("seal", key=key, workbook="a.xlsx")
        fill(fs)
        before = log.read_bytes()
        ran = []
        with pytest.raises(AuditUnwritable) as e:
            with audit.action("seal", key=key, workbook="b.xlsx"):
                ran.append(True)
        assert not ran and log.read_bytes() == before
        assert e.value.details["errno"] == errno.errorcode[errno.ENOSPC]
        assert "ディスクの空きがありません" in error_text(e.value, "ja")
        (fs / "filler.bin").unlink()
        assert audit.verify(log, [key]).ok                       # nothing half-written stayed behind


def test_a_read_only_log_refuses_the_action(tmp_path, monkeypatch, key):
    with small_fs(tmp_path / "ro", "64k") as fs:
        log = fs / "audit.jsonl"
        monkeypatch.setenv("DONORGUARD_AUDIT_LOG", str(log))
        audit.record("seal", key=key, workbook="a.xlsx")
        before = log.read_bytes()
        read_only(fs)
        with pytest.raises(AuditUnwritable) as e:
            with audit.action("approve", key=key, workbook="a.xlsx"):
                pytest.fail("the action ran without its intent in the log")
        assert log.read_bytes() == before
        assert e.value.details["errno"] == "EROFS" and "読み取り専用の場所です" in error_text(e.value, "ja")


def test_a_refusal_that_cannot_be_logged_says_so(log, key):
    assert audit.refusal("export_blocked", key=key, findings=3)["event"] == "export_blocked"
    os.replace(log, log.with_name("old.jsonl"))
    log.mkdir()
    with pytest.raises(AuditUnwritable):
        audit.refusal("export_blocked", key=key, findings=3)
