"""The catalogue in Japanese (the default): every sentence staff, IT and auditors read.

Sections: finding (one per finding), why, cause (one per diagnosed cause), words, status, problems (why a list
cannot be sealed), refusals (why rows cannot be approved, or a workbook written), errors (by exception class),
report (the terminal report), excel (dialogs, status bar, the report sheet), doctor (donorguard doctor's lines),
demo. en.py has exactly the same keys.
"""

TEXT = {
    "finding": {
        "separated": "{row} 行目の {cols}{masked} は {belongs} 行目{name}のものです。",
        "separated_nowhere": "{row} 行目の {cols}{masked} は別の人のものです。",
        "name": "（{name} さん）",
        "edited": "{row} 行目の {cols}{masked} が封印後に書き換えられています。",
        "leading_zero": "{row} 行目の {cols}{masked} は先頭の 0 が失われています。",
        "copied": "{row} 行目の {cols}{masked} は {belongs} 行目{name}の番号を写したもので、この行の番号は上書きされて"
                  "います。",
        "unsealed": "{row} 行目は封印後に追加された行です。",
        "unsealed_from": "{row} 行目は封印後に追加された行で、{cols} は {belongs} 行目の人のものです。",
        "duplicate": "この行は {of} 行目と同じ封印を持つ複製です。",
        "duplicate_values": "この行は {of} 行目の人の値をそのまま写した複製です。",
        "stale": "この行の封印は古い版のものです。一覧の古い版から写された行で、その後の承認（訂正）が"
                 "反映されていません。",
        "tied": "{row} 行目では、列がちょうど半分ずつ別々に動いたため、どちらが元の行か判断できません。",
        "missing": "封印時の {row} 行目の人が見当たりません（行が削除されました）。",
        "tampered": "封印の文字列が書き換えられているか、別のブック・別の行からコピーされています。",
        "invalid_id": "{row} 行目の個人番号{masked} は正しい番号ではありません（{why}）。",
        "formula": "{row} 行目の {cols} は = + - @ などの記号で始まっていて、表計算ソフトが数式として扱います。",
    },
    "why": {
        "blank": "空欄",
        "not_digits": "数字以外を含む",
        "length": "桁数が違う",
        "check_digit": "検査用数字が合わない",
        "leading_zero_lost": "先頭の 0 が失われている",
        "two_owners": "別の人の行にもある",
        "formula_cell": "数式（値として貼り付けてください）",
        "formula_no_value": "計算結果のない数式（値として貼り付けてください）",
        "not_a_person": "人の行ではない",
        "formula": "「= + - @」などの記号で始まり、表計算ソフトが数式として扱う",
    },
    "cause": {
        "column_sorted_alone": "{cols} の列が残りの列と別々に並べ替えられ、{n} 行で値が別の人の行に移っています"
                               "（{rows}）。元に戻す（Ctrl+Z）か、「修復」で封印どおりの行に戻してください。",
        "paste_shifted": "{cols} が {k} 行{dir}にずれています（{rows}）。ずれた貼り付けか、セルの挿入・削除で起きます。"
                         "元に戻す（Ctrl+Z）か、「修復」で封印どおりの行に戻してください。",
        "paste_into_hidden_rows": "フィルターで非表示の行にも {cols} が貼り付けられています（{rows}）。"
                                  "元に戻す（Ctrl+Z）か、「修復」で封印どおりの行に戻してください。",
        "cells_overwritten": "{cols} に、ほかの行の値の写しが上書きされています（{rows}）。上書きされた元の値は"
                             "シートにないため、元に戻す（Ctrl+Z）か、原本から入力し直してください。",
        "cells_edited": "{cols} が封印後に書き換えられています（{rows}）。原本と照合し、"
                        "正しい訂正なら「承認」（理由を記入）、誤りなら元の値に戻してください。",
        "leading_zeros_lost": "{cols} の先頭の 0 が失われています（{rows}）。「修復」で戻すか、"
                              "セルを文字列にして入力し直してください。",
        "rows_added": "封印後に追加された行があります（{rows}）。正しい追加なら「承認」（理由を記入）、"
                      "誤りなら行を削除してください。",
        "rows_duplicated": "同じ人の行が複製されています（{rows}）。不要な複製の行を削除してください。",
        "rows_removed": "封印時の行が削除されています（{rows}）。元に戻すか、削除が正しければ承認してください"
                        "（donorguard approve {book} --removed {list} --reason \"理由\"、Excel では行を選ばずに"
                        "「承認」）。",
        "tampered": "封印が書き換えられています（{rows}）。この一覧は送付できません。"
                    "封印した時点のファイルから作業をやり直してください。",
        "stale_rows": "一覧の古い版から写された行があります（{rows}）。その後の承認（訂正）が失われています。"
                      "最新の版から行を戻してください。",
        "sides_tied": "並べ替えた列と残りの列がちょうど同じ幅のため、どちらが動いたか判断できません（{rows}）。"
                      "これらの行は「修復」で書き換えません。元に戻す（Ctrl+Z）か、手で直してください。",
        "other": "{cols} の値が別の人の行に移っています（{rows}）。「修復」で封印どおりの行に戻してください。",
        "swapped": "{cols} の値が 2 人の間で入れ替わっています（{rows}）。「修復」で封印どおりに戻してください。",
        "formula": "{cols} に = + - @ などの記号で始まる値があり（{rows}）、受け取った市町村の表計算ソフトで"
                   "数式として動くおそれがあります。先頭の記号を取り除き、正しい値にしてから「承認」（理由を記入）"
                   "してください。",
    },
    "words": {
        "and": "、",
        "more": "ほか {n} 行",
        "row": "行 {rows}",
        "sealed_row": "封印時の行 {rows}",
        "header_alias": "{header}（{name}）",
        "down": "下",
        "up": "上",
        "blank_header": "空欄",
    },
    "notice": {
        "seals_out_of_place": "封印の列（DonorGuard）が並べ替えに含まれず、{n} 行で封印が別の行にあります（{rows}）。"
                              "どの行も値はそろっていて、送付には支障ありません。「修復」で封印をそれぞれの行に"
                              "戻せます。",
        "seal_header": "封印の列の見出しが「{header}」になっていたため、封印の中身から列を見つけました。"
                       "見出しを DonorGuard に戻してください。",
        "formulas_sealed": "{cols} の {n} 行（{rows}）は数式です。封印したのはその値で、数式の結果は編集しなくても"
                           "変わることがあります。値として貼り付けておくと安全です。",
        "encoding": "{col} の{chars} は {encoding} ではそのまま書き出せません。{ways}",
        "ways": "書き出す前に元の文字を置き換えるか、受け取る市町村が UTF-8 を受け付けるなら "
                "--encoding utf-8-sig（規則では export.encoding: utf-8-sig）で書き出してください。",
    },
    "unsafe": {
        "formula": "書き出す値のうち {cells} が = + - @ などの記号で始まり、受け取った市町村の表計算ソフトで"
                   "数式として動くおそれがあります。元の値か規則の書き出し設定（export.date_format など）を"
                   "直してください。",
        "formula_cell": "{col}（{rows}）",
        "encoding": "{cells} は {encoding} ではそのまま書き出せません。{ways}",
        "encoding_cell": "{col} の{chars}",
        "unencodable": "「{char}」（{code}、{rows}）",
        "changes": "「{char}」（{code}、{rows}。書き出すと「{becomes}」{becomes_code}）",
        "file_name": "書き出し先 {destination} のファイル名「{name}」は使えません（{problem}）。"
                     "規則の export.file_name を直してください。",
        "more": " ほか {n} 件",
    },
    "file_name_why": {
        "empty": "空です",
        "unsafe": "区切り記号・制御文字・\\ / : * ? \" < > | のいずれかを含みます",
        "reserved": "装置名として予約された名前（CON、NUL など）です",
        "trailing": "末尾が点か空白です",
        "too_long": "長すぎます",
        "same_name": "ほかの書き出し先と同じ名前になります",
    },
    "os_errors": {
        "ENOSPC": "ディスクの空きがありません",
        "EDQUOT": "使える容量の上限に達しています",
        "EACCES": "書き込みが許可されていません",
        "EPERM": "書き込みが許可されていません",
        "EROFS": "読み取り専用の場所です",
        "EISDIR": "ファイルではなくフォルダーです",
        "ENOTDIR": "途中にフォルダーではないものがあります",
        "ENOENT": "ファイルまたはフォルダーがありません",
        "EBUSY": "使用中です",
        "EEXIST": "すでにあります",
        "INTERRUPTED": "中断されました",
        "other": "システムのエラー {errno}",
    },
    "actions": {
        "seal": "封印",
        "repair": "修復",
        "approve": "承認",
        "export": "書き出し",
        "pad_zeros": "先頭の 0 の補い",
    },
    "status": {
        "clean": "問題ありません: {n} 行すべてが封印どおりです。",
        "blocked": "送付できません: {n} 行中 {bad} 行に問題があります。",
        "gone": "封印時の {gone} 行が見当たりません。",
        "blocked_gone": "送付できません: 封印時の {gone} 行が見当たりません。",
    },
    "problems": {
        "item": "{col}が{why}（行 {rows}）",
        "two_owners": "同じ{col}が別の人の行にもあります（行 {rows}）",
        "not_a_person": "行 {rows} は人の行ではありません（合計などの行は、上に空白行を 1 行入れると一覧から外れます。"
                        "規則の skip_labels にその見出しを加えても外せます）",
        "pad_hint": "。先頭の 0 は donorguard seal {book} --pad-zeros で補えます（Excel では「封印」で確認します）",
    },
    "limits": {                  # what a workbook too large to write or read exceeds
        "part_bytes": "展開後の部品 1 つのバイト数",
        "total_bytes": "展開後の全部品のバイト数",
        "ratio": "200 倍を超えて圧縮された部品の展開後のバイト数",
        "cells": "シートの使用範囲のセル数（行×列）",
    },
    "refusals": {
        "separated": "別の人の値が入っています（先に「修復」を実行してください）",
        "duplicate": "他の行の複製です（不要な行は削除してください）",
        "reason_required": "理由が必要です",
        "not_rows": "一覧の行ではありません",
        "not_missing": "削除された封印行ではありません",
        "seal_moved": "封印が別の行にあります（先に「修復」を実行してください）",
        "use_removed": "封印時のこの行の人は削除されています（削除を承認するには --removed を使ってください）",
        "nothing_to_approve": "承認の必要な変更がありません",
    },
    "reasons": {
        "no such file": "ファイルがありません",
        "it is a folder": "フォルダーです",
        "it is password-protected or an old .xls file": "パスワードで保護されているか、古い .xls 形式のファイルです",
        "not a zip package; truncated or another format": "途中で切れているか、別の形式のファイルです",
        "no workbook part; .xlsb, .ods or another zip": "ブックの部分がありません（.xlsb や .ods などの別の形式です）",
        "two parts have the same name, so programs may read different ones":
            "同じ名前の部分が 2 つあり、プログラムによって読む内容が変わってしまいます",
        "a part inflates to an implausible size (zip bomb)":
            "展開するとありえない大きさになる部分があります（zip 爆弾）",
        "part {part} cannot be unpacked (damaged or encrypted)":
            "部分 {part} を展開できません（壊れているか暗号化されています）",
        "part {part} declares a DTD, which no Excel file has (an XML entity attack)":
            "部分 {part} に Excel のファイルにはない DTD の宣言があります（XML を使った攻撃の形です）",
        "part {part} has values out to row {rows} and column {cols}, too many cells to read; delete the stray cells "
        "far from the list": "部分 {part} には {rows} 行目・{cols} 列目まで値があり、読むにはセルが多すぎます。"
                         "一覧から離れた不要なセルを削除してください",
        "part {part} has a tag longer than 1 MB": "部分 {part} に 1 MB を超えるタグがあります",
        "part {part} inflates beyond its declared size (zip bomb)":
            "部分 {part} が宣言より大きく展開されます（zip 爆弾）",
        "part {part} is missing": "部分 {part} がありません",
        "part {part} is not safe, well-formed XML": "部分 {part} は安全で正しい XML ではありません",
        "the cells of sheet {sheet} could not be parsed": "シート {sheet} のセルを読み取れませんでした",
        "the workbook structure could not be parsed": "ブックの構造を読み取れませんでした",
        "the header row could not be located in the sheet XML": "シートの中で見出し行の位置が分かりませんでした",
    },
    "errors": {
        "AlreadySealed": "{path} はすでに封印されています。変更した行は「承認」してください。",
        "Busy": "{path} は別の DonorGuard の処理中です。終わってからもう一度実行してください。",
        "DuplicateColumns": "見出し行に {columns} が 2 回あります。封印する列は 1 回だけにしてください。",
        "ActionUnfinished": "{action}の書き込みは済んでいます。その後で処理が止まりました（{why}）。"
                            "ファイルをもう一度検査してください。",
        "AuditOutcomeUnwritten": "{action}は完了しましたが、その結果を監査ログ {log} に書けませんでした（{why}）。"
                                 "ログには開始の行だけが残っています。",
        "AuditUnwritable": "監査ログ {log} に書き込めないため、何もしていません（{why}）。",
        "ExportBlocked": "書き出しませんでした: この一覧には問題があります。",
        "ExportRefused": "書き出しませんでした: {why}",
        "ExportVerifyFailed": "書き出しませんでした: 書き出したファイル {file} を読み直したところ、"
                              "封印と一致しませんでした。",
        "KeyFileMissing": "封印鍵のファイル {path} がありません。--key の場所を確かめてください。",
        "RepairInPlace": "修復は別のファイルに書き出します。--out には {path} 以外のファイルを指定してください。",
        "OpenInExcel": "{path} は Excel で開かれているか、ほかのプログラムが使用中です。Excel で閉じてから実行するか、"
                       "Excel の DonorGuard タブを使ってください。",
        "NoStartupFolder": "このパソコンでは Excel の起動時フォルダーが分かりません。"
                           "--dir でフォルダーを指定してください。",
        "AddinFileMissing": "アドインのファイル {path} がありません。"
                            "先に python addin/vba/build.py を実行してください。",
        "AddinPathUnreadable": "アドインは Python の場所 {path} を読めません"
                               "（コードページ {code_page} にない文字を含み、短い名前もありません）。"
                               "C:\\Python311 のような、その文字を含まないフォルダーに Python を入れ直してから、"
                               "もう一度 install-addin を実行してください。",
        "KeyFileInsecure": "封印鍵 {path} がほかの利用者から読める状態です（chmod 600 {path} で直せます）。",
        "KeyFileInvalid": "{path} は DonorGuard の封印鍵ではありません。",
        "ManifestTampered": "{path} の DonorGuard 管理シートが書き換えられているか、"
                            "別のブックからコピーされています。",
        "MissingColumns": "{path} のどのシートにも、最初の {rows} 行以内に {missing} の列見出しがありません。",
        "NoKey": "封印鍵が見つかりません（{where}）。--key で鍵ファイルを指定するか、"
                 "封印した人から鍵を受け取ってください。",
        "NoSuchWorkbook": "ブック {name} が見つかりません。",
        "NotAWorkbook": "{path} は Excel の .xlsx ブックとして扱えません（{why}）。",
        "NotApprovable": "行 {rows} は承認できません: {why}。",
        "NotSealed": "{path} はまだ封印されていません。正しい一覧であることを確かめてから封印してください。",
        "SealFormat": "{path} は以前の版の DonorGuard（形式 {format}）で封印されています。封印した時点の正しい一覧を、"
                      "この版で封印し直してください。",
        "OutputExists": "{path} はすでにあります。別のファイル名を指定するか、上書きしてよければ --force を"
                        "付けてください。",
        "RulesError": "規則 {file} の {key} に誤りがあります: {problem}",
        "SettingsError": {
            "syntax": "設定ファイル {file} の {line} 行目の書き方に誤りがあります。",
            "unknown": "設定ファイル {file} の {line} 行目: {key} という項目はありません（使える項目: {allowed}）。",
            "not_text": "設定ファイル {file} の {line} 行目: {key} の値は \"…\" で囲んだ文字で書いてください。",
            "choice": "設定ファイル {file} の {line} 行目: {key} は {choices} のどれかにしてください。",
            "missing": "設定ファイル {file} がありません（環境変数 DONORGUARD_SETTINGS が指しています）。",
            "unreadable": "設定ファイル {file} を読めませんでした。",
        },
        "TooLargeToWrite": "{path} には何も書き込んでいません: 書き込むと{why}が {size:,} になり、"
                           "DonorGuard が読める上限 {limit:,} を超えて読み直せなくなります。"
                           "一覧をいくつかのブックに分けてください。",
        "TooWide": "{path} はシートの最後の列まで使われているため、封印を書く列がありません。",
        "UnfitToSeal": "この一覧は封印できません: {problems}。",
        "UnsafeImport": "安全のため中止しました: {module} がブックのフォルダー（{folder}）から読み込まれています。"
                        "管理者に連絡してください。",
        "WorkbookUnreadable": "{path} を読めませんでした（{why}）。",
        "WrongKey": "この一覧は別の封印鍵（{sealed}…）で封印されています。このパソコンの鍵は {have}… です。"
                    "封印した鍵を使ってください。",
    },
    "report": {
        "notices": "お知らせ",
        "causes": "原因",
        "findings": "所見",
        "shown": "（先頭 {k} 件／全 {n} 件。すべては --json で）",
        "cols": ("行", "種類", "列", "本来の行", "封印時の行", "内容"),
    },
    "excel": {
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
        "more_notices": "ほか {n} 件のお知らせ",
        "colour_note": "問題のあるセルに色を付けました。問題がなくなると元の色に戻ります。",
        "sealed": "封印しました: {rows} 行（規則 {rules}、鍵 {key}…）。\n"
                  "これ以降に行や列を動かしたり書き換えたりすると、「検査」で見つかります。",
        "new_key": "新しい封印鍵を作りました: {path}\nこの鍵がないと検査も書き出しもできません。"
                   "チームが使える場所に控えを保管してください。",
        "repair_nothing": "修復の必要はありません。",
        "repair_none_possible": "自動で戻せる値はありません。",
        "repair_confirm": "{n} 個のセルを封印どおりの行に戻します。\n（この操作は Excel "
                          "の「元に戻す」では取り消せません。）\nよろしいですか？",
        "repair_cancelled": "修復を取りやめました。何も変更していません。",
        "repaired": "{n} 個のセルを封印どおりの行に戻しました。",
        "repaired_seals": "{k} 個の封印をそれぞれの行に戻しました。",
        "left_tied": "次の行は、列が半分ずつ動いたためどちらが元か判断できず、書き換えていません: {rows}",
        "pad_ask": "{cols} の {n} 個のセル（行 {rows}）は数値として入力され、先頭の 0 が失われています。\n"
                   "0 を補った文字列に直してから封印しますか？",
        "padded": "先頭の 0 を補いました: {n} 個のセル。",
        "approve_removed_rows": "選んだ行 {rows} の封印時の人は削除されています。\n"
                                "この削除を正しいものとして承認しますか？",
        "reentry_head": "次のセルは元の値がシートのどこにもないため、原本から入力し直してください:",
        "reentry_line": "  {row} 行目: {cols}",
        "approve_no_rows": "承認する行を選んでから「承認」を押してください（行番号をクリックすると行全体を選べます）"
                           "。",
        "approve_wrong_sheet": "承認する行は一覧のシート「{sheet}」で選んでください（行番号をクリックすると行全体を選"
                               "べます）。",
        "approve_nothing": "選んだ行（{rows}）には承認が必要な変更がありません。",
        "approve_removed_ask": "封印時の行 {rows} の人が一覧から削除されています。\n"
                               "この削除も正しいものとして承認しますか？",
        "reason_prompt": "行 {rows} を承認する理由を入力してください（例: 原本と照合して訂正）。\n"
                         "理由は記録に残ります。個人番号は書かないでください。",
        "reason_missing": "承認には理由が必要です。\n「{sheet}」シートの {cell} セルに理由を入力してから、"
                          "もう一度行を選んで「承認」を押してください。",
        "reason_cancelled": "承認を取りやめました。何も変更していません。",
        "reason_label": "承認の理由（承認する前にここに記入）:",
        "approved": "行 {rows} を承認して封印し直しました（理由: {reason}）。",
        "approved_removed": "封印時の行 {rows} の削除を承認しました。",
        "export_blocked": "書き出しませんでした: この一覧には問題があります。",
        "export_unsaved": "書き出し先のフォルダーが分かりません。ブックをパソコン上のフォルダーに保存してから、"
                          "もう一度「書き出し」を押してください。",
        "exported": "書き出しました: {rows} 行、{files} ファイル\n書き出し先: {folder}",
        "live_head": "直前の操作で、封印した一覧の値が別の人の行に移りました。",
        "live_next": "元に戻す（Ctrl+Z）がまだ使えるなら、すぐに押してください。使えない場合は DonorGuard タブの"
                     "「修復」で封印どおりの行に戻せます。",
        "save_autosave": "自動保存（AutoSave）が有効なため、このブックの保存時の検査はこの 1 回だけです。"
                         "送付の前に「検査」を押してください。",
        "rules_prompt": "封印に使う規則を番号で選んでください（空欄のままなら {default}）:\n{choices}",
        "rules_choice": "  {n}. {name}{mark}",
        "rules_default": "（既定）",
        "rules_unknown": "「{answer}」は一覧にない番号です。封印しませんでした。",
        "rules_cancelled": "封印を取りやめました。何も変更していません。",
        "save_problems": "このブックには問題があります。",
        "save_confirm": "このまま保存しますか？（問題のある一覧は書き出しできません。）",
        "save_blocked": "このブックの設定により、問題のあるまま保存することはできません。保存を取り消しました。\n"
                        "「修復」で直すか、正しい変更なら「承認」してから保存してください。",
        "save_warned": "保存します。送付の前に必ず直してください（問題のある一覧は書き出しできません）。",
        "save_mac": "Mac では保存のときに結果を待てないため、警告だけを表示しています。",
        "save_unchecked": "DonorGuard は保存の前に検査できませんでした: {why}\nブックはそのまま保存されます。"
                          "送付の前に「検査」を押してください。",
        "status_unsealed": "この一覧はまだ封印されていません。",
        "status_sealed": "封印: {rows} 行（{at}、{by}）\n規則: {rules}\u3000鍵: {key}…\u3000承認: {approvals} 回\n"
                         "保存時の検査: {on_save}",
        "status_now": "現在の状態: {status}",
        "status_version": "DonorGuard 版 {version}",
        "help": "使い方: 正しい一覧を「封印」→ 作業のあと「検査」→ 動いた値は「修復」、"
                "正しい変更は行を選んで「承認」→ 問題がなければ「書き出し」。",
        "on_save": {
            "confirm": "問題があれば確認する",
            "block": "問題があれば保存しない",
            "warn": "警告のみ",
        },
        "report_title": "DonorGuard 検査結果",
        "report_checked": "検査日時: {at}\u3000シート: {sheet}",
        "causes": "原因",
        "findings": "所見",
        "reentry": "原本から入力し直すセル",
        "cause_cols": ("行", "原因", "列", "内容"),
        "finding_cols": ("行", "種類", "列", "本来の行", "封印時の行", "内容"),
        "reentry_cols": ("行", "列"),
        "truncated": "（ほか {n} 件は省略しました）",
        "kinds": {
            "separated": "別の人の値",
            "id_changed": "番号の書き換え",
            "owner_changed": "本人情報の書き換え",
            "value_changed": "値の書き換え",
            "unsealed": "封印後の追加",
            "duplicate": "複製",
            "missing": "削除",
            "tampered": "封印の改ざん",
            "invalid_id": "不正な番号",
            "formula": "数式になる値",
        },
        "cause_names": {
            "column_sorted_alone": "列だけの並べ替え",
            "paste_shifted": "ずれた貼り付け",
            "paste_into_hidden_rows": "非表示行への貼り付け",
            "cells_edited": "書き換え",
            "leading_zeros_lost": "先頭の 0 の消失",
            "rows_added": "行の追加",
            "rows_duplicated": "行の複製",
            "rows_removed": "行の削除",
            "tampered": "封印の改ざん",
            "cells_overwritten": "上書き",
            "stale_rows": "古い版の行",
            "sides_tied": "判断できない移動",
            "other": "値の移動",
            "formula": "数式になる値",
        },
        "and": "、",
        "unexpected": "DonorGuard は予期しないエラー（{kind}）で止まりました。作業が途中で止まった可能性があります。"
                      "もう一度「検査」を押して状態を確かめてください。",
    },
    "cli": {
        "new_key": "新しい封印鍵 {key}… を {path} に作りました。チームが使える場所に控えを保管してください。",
        "sealed": "封印しました: {book} — {rows} 行、規則 {rules}、鍵 {key}…",
        "repaired": "修復しました: {n} セルを封印どおりの行に戻し、{out} に書き出しました。",
        "repaired_seals": "修復しました: {n} セルと封印 {k} 個をそれぞれの人の行に戻し、{out} に書き出しました。",
        "repaired_only_seals": "修復しました: 封印 {k} 個をそれぞれの人の行に戻し、{out} に書き出しました。",
        "left_tied": "次の行は書き換えていません（列が半分ずつ動き、どちらが元か判断できません）: {rows}",
        "padded": "先頭の 0 を補いました: {n} セル（行 {rows}）",
        "repair_nothing": "修復の必要はありません: {book} は封印どおりです。何も書き出していません。",
        "repair_none_possible": "自動で戻せる値がないため、何も書き出していません。",
        "reentry_head": "原本から入力し直してください:",
        "reentry_line": "  {row} 行目: {cols}",
        "approved": "承認しました: 行 {rows}",
        "approved_removed": "（削除を承認した封印時の行: {rows}）",
        "nothing_written": "何も書き出していません。",
        "exported": "書き出しました: {rows} 行、{files} ファイル → {folder}",
        "receipt": "  受領記録: {path}",
        "installed": "アドインを {dest} に入れました。\nアドインが使う Python を {conf} に書きました: {python}",
        "applescript": "Mac の RunPython に必要なスクリプトを {path} に入れました。",
        "interrupted": "中断しました。何も変更していません。",
        "os_error": "{where} を扱えませんでした（{why}）。何も変更していません。",
        "unexpected": "予期しないエラー（{kind}）で止まりました。DONORGUARD_DEBUG=1 を付けて実行すると詳細が出ます。",
        "key_exists": "{path} はすでにあります。封印鍵は上書きしません。",
        "no_log": "監査ログ {path} がありません。",
        "give_rows": "--rows か --removed で行を指定してください。",
        "bad_rows": "「{part}」は行番号でも 12-15 のような範囲でもありません。",
        "read_as_saved": "注意: {path} は Excel で開かれています。"
                         "保存済みの内容を読みました（保存していない変更は含まれません）。",
        "waiting": "{path} は別の DonorGuard が使用中です。終わるのを待っています…",
        "bad_lang_env": "環境変数 DONORGUARD_LANG の値「{value}」は使えません（ja か en を指定してください）。",
        "steps": {
            "sealing": "封印しています",
            "checking": "検査しています",
            "repairing": "修復しています",
            "exporting": "書き出しています",
        },
    },
    "usage": {
        "args": {
            "book": "ブック",
            "path": "ファイル",
            "log": "監査ログ",
        },
        "missing": "{param} を指定してください（donorguard {command} --help で使い方を表示します）。",
        "no_option": "{option} というオプションはありません（donorguard {command} --help で使い方を表示します）。",
        "no_command": "「{name}」というコマンドはありません（donorguard --help で一覧を表示します）。",
        "choice": "{param} には {choices} のどれかを指定してください。",
        "bad_value": "{param} の値が正しくありません（donorguard {command} --help で使い方を表示します）。",
        "extra": "余分な引数があります: 「{args}」（donorguard {command} --help で使い方を表示します）。",
        "needs_value": "{option} には値が必要です（donorguard {command} --help で使い方を表示します）。",
        "other": "コマンドの指定が正しくありません（donorguard {command} --help で使い方を表示します）。",
    },
    "audit": {
        "intact": "改ざんはありません: {n} 行",
        "intact_one": "改ざんはありません: 1 行",
        "unkeyed": "鍵なしの記録です: {n} 行は MAC なしでつながっています（鍵を使う前の記録）。"
                   "変更されていないことは証明できません。次の封印・修復・承認・書き出しで鍵が付きます。",
        "broken_at": "{line} 行目で壊れています: {why}",
        "broken_after": "{line} 行目の後で壊れています: {why}",
        "cannot_check": "{line} 行目を確かめられません: {what}は鍵 {key}… によるもので、"
                        "その鍵が指定されていません（--key）。",
        "its_mac": "その行の MAC ",
        "head_mac": "{name} の MAC ",
        "not_a_line": "書き換えられています（監査記録の行ではありません）",
        "mac_mismatch": "書き換えられています（MAC が一致しません）",
        "unmaced": "MAC がないため、鍵なしで追加された行です",
        "removed_before": "この行の前の {k} 行が削除されています（この行はもとは {at} 行目）",
        "removed_before_one": "この行の前の 1 行が削除されています（この行はもとは {at} 行目）",
        "order_was": "順序が入れ替えられています（この行はもとは {at} 行目）",
        "prev_not_start": "書き換えられています（最初の行の prev が記録の始まりではありません）",
        "edited_or_prev": "書き換えられているか、{next} 行目の prev が書き換えられています"
                          "（MAC のない行ではどちらか判別できません）",
        "keyed_prev": "書き換えられています（鍵付きの {next} 行目は別の行が前にあったと記録しています）",
        "not_follow": "順序が入れ替えられています（{prev} 行目の次の行ではありません）",
        "head_when_missing": "{next} 行目を書いたとき記録の先頭ファイル（.head）がなかったため、{line} 行目より後の行が"
                             "削除された可能性があります",
        "head_when_mismatch": "{next} 行目を書いたとき記録の先頭ファイル（.head）が記録と食い違っていたため、"
                              "{line} 行目より後の行が削除された可能性があります",
        "head_gone": "{name} がないため、最後の行が削除されていないことを確かめられません",
        "head_edited": "{name} が書き換えられています（MAC が一致しません）",
        "head_removed": "最後の {k} 行が削除されています（{name} には {lines} 行と記録されています）",
        "head_removed_one": "最後の 1 行が削除されています（{name} には {lines} 行と記録されています）",
        "head_all_removed": "すべての行が削除されています（{name} には {lines} 行と記録されています）",
        "head_fewer": "{name} には {lines} 行と記録されていますが、記録は {n} 行あります",
        "head_other": "{name} には別の {line} 行目が記録されています",
    },
    "doctor": {
        "title": "DonorGuard {version} の診断",
        "ok": "正常",
        "warn": "注意",
        "fail": "不備",
        "python": "Python {version}（{bits} ビット）: {path}",
        "packages": "必要なパッケージ: {list}",
        "packages_bad": "必要なパッケージが足りないか、版が合いません: {list}",
        "package_missing": "{name}（ありません）",
        "package_version": "{name} {have}（{want} が必要）",
        "not_installed": "DonorGuard がパッケージとして入っていません（{path} から動いています）",
        "fix_reinstall": "README の IT 担当者向けの手順で DonorGuard を入れ直してください。",
        "settings": "設定ファイル: {path}",
        "settings_none": "設定ファイルがありません（既定の設定で動きます）",
        "fix_settings_none": "チームで使うときは {path} に設定ファイルを置くか、環境変数 DONORGUARD_SETTINGS で"
                             "共有フォルダーの設定ファイルを指してください。",
        "fix_settings": "設定ファイルを直してください（直すまで規則・封印鍵・監査ログは確かめていません）。",
        "rules": "規則: {names}（既定: {default}）",
        "rules_folder_missing": "設定の rules_folder {path} がありません",
        "fix_rules": "規則ファイルを直すか、設定の rules_folder と default_rules を見直してください。",
        "key": "封印鍵 {id}…: {path}",
        "key_private": "（本人だけが読めます）",
        "key_windows": "（Windows ではアクセス権を確かめていません）",
        "key_none": "封印鍵はまだありません。最初の封印で {path} に作られます",
        "fix_key_none": "チームで使うときは、donorguard key new で作った鍵を共有フォルダーに置き、"
                        "設定の key_file で指してください。",
        "key_sample": "封印鍵 {path} は見本の鍵です（公開されています）",
        "fix_key_sample": "本物の一覧には使わないでください。donorguard key new で鍵を作ってください。",
        "fix_key": "鍵ファイルを確かめてください（チームの鍵は設定の key_file で指します）。",
        "audit": "監査ログ: {path}（書き込めます）",
        "audit_bad": "監査ログ {path} に書き込めません",
        "fix_audit": "フォルダーの書き込み権を確かめるか、設定の audit_log を見直してください。",
        "addin": "アドイン: {path}（この版のもの）",
        "addin_missing": "アドインが {folder} にありません",
        "addin_other": "{path} はこの版のアドインではありません",
        "fix_addin": "donorguard install-addin を実行してください。",
        "addin_nowhere": "このシステムには Excel の起動フォルダーがありません"
                         "（アドインは Windows と macOS の Excel 用です）",
        "fix_addin_nowhere": "アドインを入れたフォルダーを --dir で指定してください。",
        "shipped_missing": "この DonorGuard にはアドイン {path} が入っていません",
        "interpreter": "アドインが起動する Python（{conf} を {codepage} で読んだとき）: {path}",
        "interpreter_other": "アドインは {conf} を {codepage} で読み、Python を {seen} と読みます。"
                             "この Python は {python} です",
        "interpreter_none": "アドインの設定ファイル {conf} がないか、Python のパスが書かれていません",
        "fix_interpreter": "donorguard install-addin をもう一度実行してください。それでも直らないときは、"
                           "パスに日本語などを含まないフォルダーに Python を入れてください。",
        "xlwings": "xlwings: アドインの VBA {vba}、Python 側 {python}",
        "xlwings_other": "xlwings の版が合いません: アドインの VBA {vba}、Python 側 {python}",
        "fix_xlwings": "pip install xlwings=={vba} を実行してください。",
        "xlwings_unknown": "アドインを確かめられないため、アドインの xlwings の版もわかりません",
        "applescript": "RunPython の AppleScript: {path}",
        "applescript_missing": "RunPython の AppleScript {path} がありません",
        "fix_applescript": "xlwings runpython install を実行してください。",
        "all_ok": "すべて正常です。",
        "not_ok": "正常でない項目が {n} 個あります。",
    },
    "demo": {
        "folder": "作業フォルダ",
        "seal": "1. 正しい一覧を封印",
        "sort": "2. 個人番号の列だけを並べ替える（2017 年湖西市の誤り）",
        "check": "3. 検査",
        "repair": "4. 修復（封印だけから元の行に戻す）",
        "check_repaired": "5. 修復したファイルを検査",
        "export": "6. 住所地市町村ごとに書き出し",
        "exported_to": "書き出し先",
        "blocked": "並べ替えたファイルの書き出しは止められました（何も書き出していません）。",
        "sealed_line": "{rows} 行を封印しました（鍵 {key}…）",
        "moved_back": "{n} セルを封印どおりの行に戻しました",
        "export_line": "{rows} 行、{files} ファイル",
        "removed": "作業フォルダを削除しました（残すには --keep フォルダ を付けて実行してください）。",
    },
    "vba": {
        "title": "DonorGuard",
        "no_workbook": "ブックを開いてから DonorGuard のボタンを押してください。",
        "failed": "DonorGuard の操作がエラーで止まりました（エラー {number}: {error}）。\n"
                  "保存時の検査と変更の見張りは引き続き有効です。もう一度押すか、「検査」で状態を確かめてください。",
        "save_ask": "{book} に問題が見つかりました。\nこのまま保存しますか？",
        "save_no_verdict": "{book} を保存の前に検査できませんでした（結果が返りませんでした）。\n"
                           "このまま保存します。送付の前に「検査」を押してください。",
        "save_failed": "{book} を保存の前に検査できませんでした: {error}\n"
                       "このまま保存します。送付の前に「検査」を押してください。",
        "save_mac": "Mac では保存のときに検査できません。\n送付の前に DonorGuard タブの「検査」を押してください。",
        "live_failed": "DonorGuard は直前の操作を確かめられませんでした: {error}\n送付の前に「検査」を押してください。",
    },
}
