"""Every sentence staff read, in Japanese (default) and English. IDs arrive here already masked."""

TEXT = {
    "ja": {
        "and": "、",
        "more": "ほか {n} 行",
        "row": "行 {rows}",
        "sealed_row": "封印時の行 {rows}",
        "separated": "{row} 行目の {cols}{masked} は {belongs} 行目{name}のものです。",
        "separated_nowhere": "{row} 行目の {cols}{masked} は別の人のものです。",
        "name": "（{name} さん）",
        "edited": "{row} 行目の {cols}{masked} が封印後に書き換えられています。",
        "leading_zero": "{row} 行目の個人番号{masked} は先頭の 0 が失われています。",
        "unsealed": "{row} 行目は封印後に追加された行です。",
        "unsealed_from": "{row} 行目は封印後に追加された行で、{cols} は {belongs} 行目の人のものです。",
        "duplicate": "この行は {of} 行目と同じ封印を持つ複製です。",
        "missing": "封印時の {row} 行目の人が見当たりません（行が削除されました）。",
        "tampered": "封印の文字列が書き換えられているか、別のブック・別の行からコピーされています。",
        "invalid_id": "{row} 行目の個人番号{masked} は正しい番号ではありません（{why}）。",
        "why": {"blank": "空欄", "not_digits": "数字以外を含む", "length": "桁数が違う",
                "check_digit": "検査用数字が合わない", "leading_zero_lost": "先頭の 0 が失われている"},
        "cause": {
            "column_sorted_alone": "{cols} の列だけが並べ替えられ、{n} 行で値が別の人の行に移っています（{rows}）。"
                                   "元に戻す（Ctrl+Z）か、「修復」で封印どおりの行に戻してください。",
            "paste_shifted": "{cols} が {k} 行{dir}にずれて貼り付けられています（{rows}）。"
                             "元に戻す（Ctrl+Z）か、「修復」で封印どおりの行に戻してください。",
            "paste_into_hidden_rows": "フィルターで非表示の行にも {cols} が貼り付けられています（{rows}）。"
                                      "元に戻す（Ctrl+Z）か、「修復」で封印どおりの行に戻してください。",
            "cells_edited": "{cols} が封印後に書き換えられています（{rows}）。原本と照合し、正しい訂正なら"
                            "「承認」（理由を記入）、誤りなら元の値に戻してください。",
            "leading_zeros_lost": "個人番号の先頭の 0 が失われています（{rows}）。「修復」で戻すか、"
                                  "セルを文字列にして入力し直してください。",
            "rows_added": "封印後に追加された行があります（{rows}）。正しい追加なら「承認」（理由を記入）、"
                          "誤りなら行を削除してください。",
            "rows_duplicated": "同じ人の行が複製されています（{rows}）。不要な複製の行を削除してください。",
            "rows_removed": "封印時の行が削除されています（{rows}）。元に戻すか、削除が正しければ"
                            "「承認」で削除を確定してください。",
            "tampered": "封印が書き換えられています（{rows}）。この一覧は送付できません。"
                        "封印した時点のファイルから作業をやり直してください。",
            "other": "{cols} の値が別の人の行に移っています（{rows}）。「修復」で封印どおりの行に戻してください。",
            "swapped": "{cols} の値が 2 人の間で入れ替わっています（{rows}）。「修復」で封印どおりに戻してください。",
        },
        "down": "下", "up": "上",
        "clean": "問題ありません: {n} 行すべてが封印どおりです。",
        "blocked": "送付できません: {n} 行中 {bad} 行に問題があります。",
    },
    "en": {
        "and": ", ",
        "more": "{n} more rows",
        "row": "rows {rows}",
        "sealed_row": "sealed rows {rows}",
        "separated": "Row {row}: {cols}{masked} belongs to row {belongs}{name}.",
        "separated_nowhere": "Row {row}: {cols}{masked} belongs to someone else.",
        "name": " ({name})",
        "edited": "Row {row}: {cols}{masked} was changed after sealing.",
        "leading_zero": "Row {row}: the ID number{masked} lost its leading zero.",
        "unsealed": "Row {row} was added after sealing.",
        "unsealed_from": "Row {row} was added after sealing; its {cols} belongs to row {belongs}.",
        "duplicate": "This row is a copy of row {of} (same seal).",
        "missing": "The person sealed in row {row} is gone (the row was deleted).",
        "tampered": "The seal text was edited, or copied from another workbook or another row.",
        "invalid_id": "Row {row}: the ID number{masked} is not valid ({why}).",
        "why": {"blank": "blank", "not_digits": "not only digits", "length": "wrong length",
                "check_digit": "check digit does not match", "leading_zero_lost": "leading zero lost"},
        "cause": {
            "column_sorted_alone": "Only the column(s) {cols} were sorted, moving values into other people's rows "
                                   "in {n} rows ({rows}). Undo (Ctrl+Z) or run repair to put them back as sealed.",
            "paste_shifted": "{cols} were pasted {k} rows {dir} of where they belong ({rows}). "
                             "Undo (Ctrl+Z) or run repair to put them back as sealed.",
            "paste_into_hidden_rows": "{cols} were pasted into rows hidden by a filter ({rows}). "
                                      "Undo (Ctrl+Z) or run repair to put them back as sealed.",
            "cells_edited": "{cols} were changed after sealing ({rows}). Compare with the source documents: "
                            "approve with a reason if the correction is right, otherwise restore the value.",
            "leading_zeros_lost": "ID numbers lost their leading zero ({rows}). Run repair, or re-enter them "
                                  "in cells formatted as text.",
            "rows_added": "Rows were added after sealing ({rows}). Approve them with a reason if they are right, "
                          "otherwise delete them.",
            "rows_duplicated": "Rows were duplicated ({rows}). Delete the extra copies.",
            "rows_removed": "Sealed rows were deleted ({rows}). Undo, or approve the removal if it is right.",
            "tampered": "Seals were edited ({rows}). This list cannot be sent: go back to the file as it was sealed.",
            "other": "{cols} values sit in other people's rows ({rows}). Run repair to put them back as sealed.",
            "swapped": "{cols} values were swapped between two people ({rows}). Run repair to put them back.",
        },
        "down": "down", "up": "up",
        "clean": "Clean: all {n} rows are as sealed.",
        "blocked": "Blocked: {bad} of {n} rows have problems.",
    },
}


def row_ranges(rows, limit: int = 8, lang: str = "ja") -> str:
    """[12,13,14,15,40] -> "12-15, 40"; long lists end with how many more."""
    nums = sorted(set(int(r) for r in rows))
    runs, i = [], 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        runs.append((nums[i], nums[j]))
        i = j + 1
    shown = [str(a) if a == b else f"{a}-{b}" for a, b in runs[:limit]]
    rest = sum(b - a + 1 for a, b in runs[limit:])
    if rest:
        shown.append(TEXT[lang]["more"].format(n=rest))
    return ", ".join(shown)


class Messages:
    def __init__(self, lang: str, rules=None):
        self.lang = lang if lang in TEXT else "ja"
        self.t = TEXT[self.lang]

    def _cols(self, cols):
        return self.t["and"].join(cols)

    def _masked(self, masked):
        return f" ({masked})" if masked else ""

    def separated(self, row, cols, belongs, name, masked):
        return self.separated_many([row], [cols], [belongs], [name], [masked])[0]

    def edited(self, row, cols, masked):
        return self.edited_many([row], [cols], [masked])[0]

    def leading_zero(self, row, masked):
        return self.leading_zero_many([row], [masked])[0]

    # the same sentences for many findings at once: one list comprehension, no call per finding
    def separated_many(self, rows, cols, belongs, names, masked) -> list:
        mine, nowhere, who = self.t["separated"].format, self.t["separated_nowhere"].format, self.t["name"].format
        join = self.t["and"].join
        return [nowhere(row=r, cols=join(c), masked=f" ({m})" if m else "") if b is None else
                mine(row=r, cols=join(c), masked=f" ({m})" if m else "", belongs=b, name=who(name=n) if n else "")
                for r, c, b, n, m in zip(rows, cols, belongs, names, masked)]

    def edited_many(self, rows, cols, masked) -> list:
        text, join = self.t["edited"].format, self.t["and"].join
        return [text(row=r, cols=join(c), masked=f" ({m})" if m else "") for r, c, m in zip(rows, cols, masked)]

    def leading_zero_many(self, rows, masked) -> list:
        text = self.t["leading_zero"].format
        return [text(row=r, masked=f" ({m})" if m else "") for r, m in zip(rows, masked)]

    def unsealed(self, row, cols, belongs):
        if cols and belongs is not None:
            return self.t["unsealed_from"].format(row=row, cols=self._cols(cols), belongs=belongs)
        return self.t["unsealed"].format(row=row)

    def duplicate(self, of):
        return self.t["duplicate"].format(of=of)

    def missing(self, row):
        return self.t["missing"].format(row=row)

    def tampered(self):
        return self.t["tampered"]

    def invalid_id(self, row, why, masked):
        return self.t["invalid_id"].format(row=row, why=self.t["why"].get(why, why), masked=self._masked(masked))

    def cause(self, cause, rows, cols, shift=None, sealed=False):
        where = self.t["sealed_row" if sealed else "row"].format(rows=row_ranges(rows, lang=self.lang))
        k = abs(shift or 0)
        return self.t["cause"][cause].format(cols=self._cols(cols), rows=where, n=len(set(rows)), k=k,
                                             dir=self.t["down" if (shift or 0) > 0 else "up"])

    def status(self, clean, n, bad):
        return self.t["clean" if clean else "blocked"].format(n=n, bad=bad)


PROBLEMS = {
    "ja": {"item": "{col}が{why}（行 {rows}）", "two_owners": "同じ{col}が別の人の行にもあります（行 {rows}）"},
    "en": {"item": "{col} {why} in rows {rows}", "two_owners": "one {col} on two owners in rows {rows}"},
}
REFUSALS = {
    "ja": {"separated": "別の人の値が入っています（先に「修復」を実行してください）",
           "duplicate": "他の行の複製です（不要な行は削除してください）",
           "reason_required": "理由が必要です", "not_rows": "一覧の行ではありません",
           "not_missing": "削除された封印行ではありません"},
    "en": {"separated": "they hold values that belong to other rows (run repair first)",
           "duplicate": "they are copies of other rows (delete them instead)",
           "reason_required": "a reason is required", "not_rows": "they are not rows of the list",
           "not_missing": "they are not missing sealed rows"},
}


def problems_text(items, lang: str) -> str:
    """(column, reason, rows) items as one clause each; reasons as in TEXT[lang]["why"]."""
    lang = lang if lang in PROBLEMS else "ja"
    out = []
    for col, why, rows in items:
        tpl = PROBLEMS[lang]["two_owners" if why == "two_owners" else "item"]
        reason = why if lang == "en" else TEXT[lang]["why"].get(why, why)
        out.append(tpl.format(col=col, why=reason, rows=row_ranges(rows, lang=lang)))
    return ("、" if lang == "ja" else "; ").join(out)


ERRORS_JA = {
    "DuplicateColumns": "見出し行に {columns} が 2 回あります。封印する列は 1 回だけにしてください。",
    "TooWide": "{path} はシートの最後の列まで使われているため、封印を書く列がありません。",
    "NotSealed": "{path} はまだ封印されていません。正しい一覧であることを確かめてから封印してください。",
    "AlreadySealed": "{path} はすでに封印されています。変更した行は「承認」してください。",
    "MissingColumns": "{path} のどのシートにも、最初の {rows} 行以内に {missing} の列見出しがありません。",
    "NoKey": "封印鍵が見つかりません（{where}）。--key で鍵ファイルを指定するか、封印した人から鍵を受け取ってください。",
    "KeyFileInsecure": "封印鍵 {path} がほかの利用者から読める状態です（chmod 600 {path} で直せます）。",
    "KeyFileInvalid": "{path} は DonorGuard の封印鍵ではありません。",
    "WrongKey": "この一覧は別の封印鍵（{sealed}…）で封印されています。このパソコンの鍵は {have}… です。"
                "封印した鍵を使ってください。",
    "ManifestTampered": "{path} の DonorGuard 管理シートが書き換えられているか、別のブックからコピーされています。",
    "UnfitToSeal": "この一覧は封印できません: {problems}。",
    "NotApprovable": "行 {rows} は承認できません: {why}。",
    "ExportBlocked": "書き出しませんでした: この一覧には問題があります。",
    "ExportVerifyFailed": "書き出しませんでした: 書き出したファイル {file} を読み直したところ、封印と一致しませんでした。",
    "Busy": "{path} は別の DonorGuard の処理中です。終わってからもう一度実行してください。",
    "RulesError": "規則 {file} の {key} に誤りがあります: {problem}",
    "WorkbookUnreadable": "{path} を読めませんでした（{why}）。",
    "NotAWorkbook": "{path} は Excel の .xlsx ブックとして扱えません（{why}）。",
}


def error_text(e, lang: str) -> str:
    """A named error in staff's language; its details never hold an ID (errors.py's contract)."""
    pattern = ERRORS_JA.get(type(e).__name__) if lang == "ja" else None
    if not pattern:
        return str(e)
    details = dict(e.details)
    if details.get("items"):
        details["problems"] = details["why"] = problems_text(details["items"], lang)
    elif details.get("reason") in REFUSALS["ja"]:
        details["why"] = REFUSALS["ja"][details["reason"]]
    try:
        return pattern.format(**details)
    except (KeyError, IndexError, ValueError):
        return str(e)
