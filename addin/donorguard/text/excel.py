"""What the Excel buttons say: dialogs, the report sheet, the status bar, errors. Japanese by default.

The core's sentences (findings, causes, status) come from messages.py, already masked; these only
frame them. Nothing here is ever given a whole ID number.
"""
from ..core.errors import DonorGuardError
from .messages import error_text

TEXT = {
    "ja": {
        "title": "DonorGuard",
        "version_mismatch": "DonorGuard のアドイン（版 {addin}）と Python 側（版 {python}）の版が一致しないため、"
                            "何もしませんでした。\n同じ版のアドインと Python パッケージを入れ直してください。",
        "reading": "DonorGuard: 一覧を読み込んでいます…",
        "checking": "DonorGuard: 封印と照合しています…",
        "writing": "DonorGuard: 結果を書き込んでいます…",
        "sealing": "DonorGuard: 封印しています…",
        "repairing": "DonorGuard: 修復しています…",
        "approving": "DonorGuard: 承認しています…",
        "exporting": "DonorGuard: 書き出しています…",
        "see_report": "詳しくは「{sheet}」シートを見てください（行番号をクリックするとその行へ移動します）。",
        "more_causes": "ほか {n} 件の原因",
        "colour_note": "問題のあるセルに色を付けました。問題がなくなると元の色に戻ります。",
        # seal
        "sealed": "封印しました: {rows} 行（規則 {rules}、鍵 {key}…）。\n"
                  "これ以降に行や列を動かしたり書き換えたりすると、「検査」で見つかります。",
        "new_key": "新しい封印鍵を作りました: {path}\nこの鍵がないと検査も書き出しもできません。"
                   "チームが使える場所に控えを保管してください。",
        # repair
        "repair_nothing": "修復の必要はありません。",
        "repair_none_possible": "自動で戻せる値はありません。",
        "repair_confirm": "{n} 個のセルを封印どおりの行に戻します。\n"
                          "（この操作は Excel の「元に戻す」では取り消せません。）\nよろしいですか？",
        "repair_cancelled": "修復を取りやめました。何も変更していません。",
        "repaired": "{n} 個のセルを封印どおりの行に戻しました。",
        "reentry_head": "次のセルは元の値がシートのどこにもないため、原本から入力し直してください:",
        "reentry_line": "  {row} 行目: {cols}",
        # approve
        "approve_no_rows": "承認する行を選んでから「承認」を押してください（行番号をクリックすると行全体を選べます）。",
        "approve_wrong_sheet": "承認する行は一覧のシート「{sheet}」で選んでください（行番号をクリックすると行全体を"
                               "選べます）。",
        "approve_nothing": "選んだ行（{rows}）には承認が必要な変更がありません。",
        "approve_separated": "行 {rows} には別の人の値が入っているため承認できません。先に「修復」を実行してください。",
        "approve_duplicate": "行 {rows} は他の行の複製のため承認できません。不要な行を削除してください。",
        "approve_removed_ask": "封印時の行 {rows} の人が一覧から削除されています。\nこの削除も正しいものとして承認しますか？",
        "reason_prompt": "行 {rows} を承認する理由を入力してください（例: 原本と照合して訂正）。\n"
                         "理由は記録に残ります。個人番号は書かないでください。",
        "reason_missing": "承認には理由が必要です。\n「{sheet}」シートの {cell} セルに理由を入力してから、"
                          "もう一度行を選んで「承認」を押してください。",
        "reason_cancelled": "承認を取りやめました。何も変更していません。",
        "reason_label": "承認の理由（承認する前にここに記入）:",
        "approved": "行 {rows} を承認して封印し直しました（理由: {reason}）。",
        "approved_removed": "封印時の行 {rows} の削除を承認しました。",
        # export
        "export_blocked": "書き出しませんでした: この一覧には問題があります。",
        "export_unsaved": "書き出し先のフォルダーが分かりません。ブックをパソコン上のフォルダーに保存してから、"
                          "もう一度「書き出し」を押してください。",
        "exported": "書き出しました: {rows} 行、{files} ファイル\n書き出し先: {folder}",
        # save
        "save_problems": "このブックには問題があります。",
        "save_confirm": "このまま保存しますか？（問題のある一覧は書き出しできません。）",
        "save_blocked": "このブックの設定により、問題のあるまま保存することはできません。保存を取り消しました。\n"
                        "「修復」で直すか、正しい変更なら「承認」してから保存してください。",
        "save_warned": "保存します。送付の前に必ず直してください（問題のある一覧は書き出しできません）。",
        "save_mac": "Mac では保存のときに結果を待てないため、警告だけを表示しています。",
        "save_unchecked": "DonorGuard は保存の前に検査できませんでした: {why}\nブックはそのまま保存されます。"
                          "送付の前に「検査」を押してください。",
        # status
        "status_unsealed": "この一覧はまだ封印されていません。",
        "status_sealed": "封印: {rows} 行（{at}、{by}）\n規則: {rules}　鍵: {key}…　承認: {approvals} 回\n"
                         "保存時の検査: {on_save}",
        "status_now": "現在の状態: {status}",
        "status_version": "DonorGuard 版 {version}",
        "help": "使い方: 正しい一覧を「封印」→ 作業のあと「検査」→ 動いた値は「修復」、正しい変更は行を選んで"
                "「承認」→ 問題がなければ「書き出し」。",
        "on_save": {"confirm": "問題があれば確認する", "block": "問題があれば保存しない", "warn": "警告のみ"},
        # report sheet
        "report_title": "DonorGuard 検査結果",
        "report_checked": "検査日時: {at}　シート: {sheet}",
        "causes": "原因",
        "findings": "所見",
        "reentry": "原本から入力し直すセル",
        "cause_cols": ("行", "原因", "列", "内容"),
        "finding_cols": ("行", "種類", "列", "本来の行", "封印時の行", "内容"),
        "reentry_cols": ("行", "列"),
        "truncated": "（ほか {n} 件は省略しました）",
        "kinds": {"separated": "別の人の値", "id_changed": "番号の書き換え", "owner_changed": "本人情報の書き換え",
                  "unsealed": "封印後の追加", "duplicate": "複製", "missing": "削除",
                  "tampered": "封印の改ざん", "invalid_id": "不正な番号"},
        "cause_names": {"column_sorted_alone": "列だけの並べ替え", "paste_shifted": "ずれた貼り付け",
                        "paste_into_hidden_rows": "非表示行への貼り付け", "cells_edited": "書き換え",
                        "leading_zeros_lost": "先頭の 0 の消失", "rows_added": "行の追加",
                        "rows_duplicated": "行の複製", "rows_removed": "行の削除", "tampered": "封印の改ざん",
                        "other": "値の移動"},
        "and": "、",
        "unexpected": "DonorGuard は予期しないエラー（{kind}）で止まりました。作業が途中で止まった可能性があります。"
                      "もう一度「検査」を押して状態を確かめてください。",
        "errors": {
            "NoSuchWorkbook": "ブック {name} が見つかりません。",
            "UnsafeImport": "安全のため中止しました: {module} がブックのフォルダー（{folder}）から読み込まれています。"
                            "管理者に連絡してください。",
        },
    },
    "en": {
        "title": "DonorGuard",
        "version_mismatch": "The DonorGuard add-in (version {addin}) and its Python package (version {python}) "
                            "do not match, so nothing was done.\nReinstall matching versions.",
        "reading": "DonorGuard: reading the list…",
        "checking": "DonorGuard: checking against the seals…",
        "writing": "DonorGuard: writing the results…",
        "sealing": "DonorGuard: sealing…",
        "repairing": "DonorGuard: repairing…",
        "approving": "DonorGuard: approving…",
        "exporting": "DonorGuard: exporting…",
        "see_report": "See the sheet \"{sheet}\" for details (click a row number to go to that row).",
        "more_causes": "{n} more causes",
        "colour_note": "Cells with problems are coloured; their own colours come back once the list is clean.",
        "sealed": "Sealed: {rows} rows (rules {rules}, key {key}…).\n"
                  "From now on, moving or changing rows or columns is found by Check.",
        "new_key": "A new seal key was created at {path}.\nWithout it nothing can be checked or exported: "
                   "keep a copy where your team can reach it.",
        "repair_nothing": "Nothing needs repairing.",
        "repair_none_possible": "No value can be put back automatically.",
        "repair_confirm": "{n} cells will be put back in their sealed rows.\n(Excel's Undo cannot reverse this.)\n"
                          "Continue?",
        "repair_cancelled": "Repair cancelled; nothing was changed.",
        "repaired": "{n} cells were put back in their sealed rows.",
        "reentry_head": "These cells' values are nowhere in the sheet; re-enter them from the source documents:",
        "reentry_line": "  row {row}: {cols}",
        "approve_no_rows": "Select the rows to approve, then press Approve.",
        "approve_wrong_sheet": "Select the rows to approve on the list's sheet \"{sheet}\".",
        "approve_nothing": "The selected rows ({rows}) have no changes to approve.",
        "approve_separated": "Rows {rows} hold values that belong to other rows: run Repair first.",
        "approve_duplicate": "Rows {rows} are copies of other rows: delete the extra rows instead.",
        "approve_removed_ask": "The people sealed in rows {rows} were deleted from the list.\n"
                               "Approve these deletions too?",
        "reason_prompt": "Why are rows {rows} right? (kept in the log; do not type ID numbers)",
        "reason_missing": "Approval needs a reason.\nType it into cell {cell} of the sheet \"{sheet}\", then select "
                          "the rows and press Approve again.",
        "reason_cancelled": "Approval cancelled; nothing was changed.",
        "reason_label": "Reason for approval (fill in before approving):",
        "approved": "Rows {rows} approved and re-sealed (reason: {reason}).",
        "approved_removed": "Deletion of sealed rows {rows} approved.",
        "export_blocked": "Nothing was exported: the list has problems.",
        "export_unsaved": "No folder to export to: save the workbook in a folder on this computer first.",
        "exported": "Exported: {rows} rows, {files} files\nFolder: {folder}",
        "save_problems": "This workbook has problems.",
        "save_confirm": "Save anyway? (A list with problems cannot be exported.)",
        "save_blocked": "This list may not be saved with problems; the save was cancelled.\n"
                        "Repair it, or approve the right changes, then save.",
        "save_warned": "Saving. Fix it before sending: a list with problems cannot be exported.",
        "save_mac": "On a Mac the save cannot wait for the check; this is a warning only.",
        "save_unchecked": "DonorGuard could not check before saving: {why}\nThe workbook is saved as it is; "
                          "press Check before sending it.",
        "status_unsealed": "This list is not sealed yet.",
        "status_sealed": "Sealed: {rows} rows ({at}, {by})\nRules: {rules}  key: {key}…  approvals: {approvals}\n"
                         "Check on save: {on_save}",
        "status_now": "Now: {status}",
        "status_version": "DonorGuard version {version}",
        "help": "Seal a known-good list → Check after work → Repair moved values, select rows and Approve right "
                "changes → Export when clean.",
        "on_save": {"confirm": "ask when there are problems", "block": "refuse to save with problems",
                    "warn": "warn only"},
        "report_title": "DonorGuard check result",
        "report_checked": "Checked: {at}  sheet: {sheet}",
        "causes": "Causes",
        "findings": "Findings",
        "reentry": "Cells to re-enter from the source documents",
        "cause_cols": ("row", "cause", "columns", "message"),
        "finding_cols": ("row", "kind", "columns", "belongs", "sealed", "message"),
        "reentry_cols": ("row", "columns"),
        "truncated": "({n} more not shown)",
        "kinds": {},
        "cause_names": {},
        "and": ", ",
        "unexpected": "DonorGuard stopped on an unexpected error ({kind}); the work may be incomplete. "
                      "Press Check to see where the list stands.",
        "errors": {},
    },
}


class NoSuchWorkbook(DonorGuardError):
    message = "No open workbook is named {name}."


class UnsafeImport(DonorGuardError):
    message = "Stopped: {module} was loaded from the workbook's folder {folder}."


def t(lang: str) -> dict:
    return TEXT.get(lang, TEXT["ja"])


def error(e: DonorGuardError, lang: str) -> str:
    """The error in staff's language; its details never hold an ID (errors.py's contract)."""
    pattern = t(lang)["errors"].get(type(e).__name__)
    if pattern:
        try:
            return pattern.format(**e.details)
        except (KeyError, IndexError, ValueError):
            pass
    return error_text(e, lang)
