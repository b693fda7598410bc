"""The catalogue in English (on request: --lang en or DONORGUARD_LANG=en); the same keys as ja.py."""

TEXT = {
    "finding": {
        "separated": "Row {row}: {cols}{masked} belongs to row {belongs}{name}.",
        "separated_nowhere": "Row {row}: {cols}{masked} belongs to someone else.",
        "name": " ({name})",
        "edited": "Row {row}: {cols}{masked} was changed after sealing.",
        "leading_zero": "Row {row}: {cols}{masked} lost its leading zeros.",
        "copied": "Row {row}: {cols}{masked} is a copy of the number of row {belongs}{name}; this row's own number "
                  "was overwritten.",
        "unsealed": "Row {row} was added after sealing.",
        "unsealed_from": "Row {row} was added after sealing; its {cols} belongs to row {belongs}.",
        "duplicate": "This row is a copy of row {of} (same seal).",
        "duplicate_values": "This row is a copy of the values of row {of}.",
        "stale": "This row's seal is from an older version: the row was copied from an older version of the list, "
                 "before a later approval (correction).",
        "tied": "Row {row}: its columns moved as two halves of equal size; which half is in its own row cannot be "
                "told.",
        "missing": "The person sealed in row {row} is gone (the row was deleted).",
        "tampered": "The seal text was edited, or copied from another workbook or another row.",
        "invalid_id": "Row {row}: the ID number{masked} is not valid ({why}).",
    },
    "why": {
        "blank": "blank",
        "not_digits": "not only digits",
        "length": "wrong length",
        "check_digit": "check digit does not match",
        "leading_zero_lost": "leading zero lost",
        "two_owners": "also in another person's row",
        "formula": "a formula (paste it as values)",
        "formula_no_value": "a formula with no computed value (paste it as values)",
        "not_a_person": "not a person's row",
    },
    "cause": {
        "column_sorted_alone": "The column(s) {cols} were sorted apart from the others, moving values into other "
                               "people's rows in {n} rows ({rows}). Undo (Ctrl+Z) or run repair to put them back "
                               "as sealed.",
        "paste_shifted": "{cols} sit {k} rows {dir} of where they belong ({rows}): a shifted paste, or cells "
                         "inserted or deleted. Undo (Ctrl+Z) or run repair to put them back as sealed.",
        "paste_into_hidden_rows": "{cols} were pasted into rows hidden by a filter ({rows}). Undo (Ctrl+Z) or run "
                                  "repair to put them back as sealed.",
        "cells_overwritten": "Copies of other rows' values were written over {cols} ({rows}). The values they "
                             "replaced are nowhere in the sheet: undo (Ctrl+Z) or re-enter them from the source "
                             "documents.",
        "cells_edited": "{cols} were changed after sealing ({rows}). Compare with the source documents: approve with "
                        "a reason if the correction is right, otherwise restore the value.",
        "leading_zeros_lost": "{cols} lost their leading zeros ({rows}). Run repair, or re-enter them in cells "
                              "formatted as text.",
        "rows_added": "Rows were added after sealing ({rows}). Approve them with a reason if they are right, "
                      "otherwise delete them.",
        "rows_duplicated": "Rows were duplicated ({rows}). Delete the extra copies.",
        "rows_removed": "Sealed rows were deleted ({rows}). Undo, or approve the removal if it is right "
                        "(donorguard approve {book} --removed {list} --reason \"why\"; in Excel, approve with no "
                        "row selected).",
        "tampered": "Seals were edited ({rows}). This list cannot be sent: go back to the file as it was sealed.",
        "stale_rows": "Rows were copied back from an older version of the list ({rows}); later approvals "
                      "(corrections) are lost. Bring the rows back from the latest version.",
        "sides_tied": "The sorted columns and the others are exactly as wide, so which of them moved cannot be told "
                      "({rows}). Repair leaves these rows alone: undo (Ctrl+Z) or fix them by hand.",
        "other": "{cols} values sit in other people's rows ({rows}). Run repair to put them back as sealed.",
        "swapped": "{cols} values were swapped between two people ({rows}). Run repair to put them back.",
    },
    "words": {
        "and": ", ",
        "more": "{n} more rows",
        "row": "rows {rows}",
        "sealed_row": "sealed rows {rows}",
        "down": "down",
        "up": "up",
        "blank_header": "blank",
    },
    "notice": {
        "seals_out_of_place": "The seal column (DonorGuard) was left out of a sort: in {n} rows the seal is in another "
                              "row ({rows}). Every row's values still belong together, so the list can be sent; "
                              "repair puts each seal back beside its row.",
        "seal_header": "The seal column's header reads \"{header}\", so the column was found by its seals. Put the "
                       "header DonorGuard back.",
        "formulas_sealed": "{n} rows of {cols} hold formulas ({rows}). Their values were sealed; a formula's result "
                           "can change without any edit. Paste them as values to be safe.",
    },
    "status": {
        "clean": "Clean: all {n} rows are as sealed.",
        "blocked": "Blocked: {bad} of {n} rows have problems.",
        "gone": " {gone} sealed rows are gone.",
        "blocked_gone": "Blocked: {gone} sealed rows are gone.",
    },
    "problems": {
        "item": "{col} {why} in rows {rows}",
        "two_owners": "one {col} on two owners in rows {rows}",
        "not_a_person": "rows {rows} are not people (a blank row above a total or other such row leaves it out of "
                        "the list; so does adding its label to skip_labels in the rules)",
        "pad_hint": ". The leading zeros can be written back with donorguard seal {book} --pad-zeros (Excel asks "
                    "when sealing)",
    },
    "refusals": {
        "separated": "they hold values that belong to other rows (run repair first)",
        "duplicate": "they are copies of other rows (delete them instead)",
        "reason_required": "a reason is required",
        "not_rows": "they are not rows of the list",
        "not_missing": "they are not missing sealed rows",
        "seal_moved": "their seals sit in other rows (run repair first)",
        "use_removed": "the people sealed in these rows were deleted (approve the deletion with --removed)",
        "nothing_to_approve": "nothing in them needs approval",
    },
    "errors": {
        "AlreadySealed": "{path} is already sealed; use `donorguard approve` for rows that changed.",
        "Busy": "{path} is being changed by another DonorGuard process; try again when it has finished.",
        "DuplicateColumns": "The header row names {columns} twice; a bound column must appear once.",
        "ExportBlocked": "Nothing was exported: the list is blocked.",
        "ExportVerifyFailed": "Nothing was exported: the written file {file} did not match the seals when read back.",
        "KeyFileInsecure": "Key file {path} can be read by other users; run `chmod 600 {path}`.",
        "KeyFileInvalid": "{path} is not a DonorGuard key file.",
        "ManifestTampered": "The DonorGuard manifest of {path} was edited or copied from another workbook.",
        "MissingColumns": "No sheet of {path} has a header row with {missing} in its first {rows} rows.",
        "NoKey": "No seal key found (looked at {where}); pass --key FILE or set DONORGUARD_KEY_FILE.",
        "NoSuchWorkbook": "No open workbook is named {name}.",
        "NotAWorkbook": "{path} is not an Excel .xlsx workbook ({why}).",
        "NotApprovable": "Rows {rows} cannot be approved: {why}.",
        "NotSealed": "{path} has not been sealed yet: run `donorguard seal` on the known-good list first.",
        "SealFormat": "{path} was sealed by an earlier DonorGuard (format {format}); seal the known-good list again "
                      "with this version.",
        "RulesError": "{file}: {key}: {problem}",
        "TooWide": "{path} uses the last column of the sheet, so there is no free column for the seals.",
        "UnfitToSeal": "The list cannot be sealed: {problems}.",
        "UnsafeImport": "Stopped: {module} was loaded from the workbook's folder {folder}.",
        "WorkbookUnreadable": "{path} could not be read: {why}.",
        "WrongKey": "Sealed with key {sealed}…, this machine has {have}…: use the key the list was sealed with.",
    },
    "report": {
        "notices": "Notices",
        "causes": "Causes",
        "findings": "Findings",
        "shown": " (first {k} of {n}; all with --json)",
        "cols": ("row", "kind", "columns", "belongs", "sealed", "message"),
    },
    "excel": {
        "title": "DonorGuard",
        "version_mismatch": "The DonorGuard add-in (version {addin}) and its Python package (version {python}) do "
                            "not match, so nothing was done.\nReinstall matching versions.",
        "reading": "DonorGuard: reading the list…",
        "checking": "DonorGuard: checking against the seals…",
        "writing": "DonorGuard: writing the results…",
        "sealing": "DonorGuard: sealing…",
        "repairing": "DonorGuard: repairing…",
        "approving": "DonorGuard: approving…",
        "exporting": "DonorGuard: exporting…",
        "see_report": 'See the sheet "{sheet}" for details (click a row number to go to that row).',
        "more_causes": "{n} more causes",
        "colour_note": "Cells with problems are coloured; their own colours come back once the list is clean.",
        "sealed": "Sealed: {rows} rows (rules {rules}, key {key}…).\nFrom now on, moving or changing rows or columns "
                  "is found by Check.",
        "new_key": "A new seal key was created at {path}.\nWithout it nothing can be checked or exported: keep a "
                   "copy where your team can reach it.",
        "repair_nothing": "Nothing needs repairing.",
        "repair_none_possible": "No value can be put back automatically.",
        "repair_confirm": "{n} cells will be put back in their sealed rows.\n(Excel's Undo cannot reverse this.)\n"
                          "Continue?",
        "repair_cancelled": "Repair cancelled; nothing was changed.",
        "repaired": "{n} cells were put back in their sealed rows.",
        "repaired_seals": "{k} seals were put back beside their rows.",
        "left_tied": "These rows were left alone: their columns moved as two equal halves and which half moved "
                     "cannot be told: {rows}",
        "pad_ask": "{n} cells of {cols} (rows {rows}) were typed as numbers and lost their leading zeros.\n"
                   "Write them back as text with the zeros, then seal?",
        "padded": "Leading zeros written back: {n} cells.",
        "approve_removed_rows": "The people sealed in the selected rows {rows} were deleted.\nApprove these deletions "
                                "as right?",
        "notices": "Notices",
        "reentry_head": "These cells' values are nowhere in the sheet; re-enter them from the source documents:",
        "reentry_line": "  row {row}: {cols}",
        "approve_no_rows": "Select the rows to approve, then press Approve.",
        "approve_wrong_sheet": 'Select the rows to approve on the list\'s sheet "{sheet}".',
        "approve_nothing": "The selected rows ({rows}) have no changes to approve.",
        "approve_removed_ask": "The people sealed in rows {rows} were deleted from the list.\nApprove these "
                               "deletions too?",
        "reason_prompt": "Why are rows {rows} right? (kept in the log; do not type ID numbers)",
        "reason_missing": 'Approval needs a reason.\nType it into cell {cell} of the sheet "{sheet}", then select '
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
        "save_blocked": "This list may not be saved with problems; the save was cancelled.\nRepair it, or approve "
                        "the right changes, then save.",
        "save_warned": "Saving. Fix it before sending: a list with problems cannot be exported.",
        "save_mac": "On a Mac the save cannot wait for the check; this is a warning only.",
        "save_unchecked": "DonorGuard could not check before saving: {why}\nThe workbook is saved as it is; press "
                          "Check before sending it.",
        "status_unsealed": "This list is not sealed yet.",
        "status_sealed": "Sealed: {rows} rows ({at}, {by})\nRules: {rules}  key: {key}…  approvals: {approvals}\n"
                         "Check on save: {on_save}",
        "status_now": "Now: {status}",
        "status_version": "DonorGuard version {version}",
        "help": "Seal a known-good list → Check after work → Repair moved values, select rows and Approve right "
                "changes → Export when clean.",
        "on_save": {
            "confirm": "ask when there are problems",
            "block": "refuse to save with problems",
            "warn": "warn only",
        },
        "report_title": "DonorGuard check result",
        "report_checked": "Checked: {at}  sheet: {sheet}",
        "causes": "Causes",
        "findings": "Findings",
        "reentry": "Cells to re-enter from the source documents",
        "cause_cols": ("row", "cause", "columns", "message"),
        "finding_cols": ("row", "kind", "columns", "belongs", "sealed", "message"),
        "reentry_cols": ("row", "columns"),
        "truncated": "({n} more not shown)",
        "kinds": {
            "separated": "separated",
            "id_changed": "id_changed",
            "owner_changed": "owner_changed",
            "unsealed": "unsealed",
            "duplicate": "duplicate",
            "missing": "missing",
            "tampered": "tampered",
            "invalid_id": "invalid_id",
        },
        "cause_names": {
            "column_sorted_alone": "column_sorted_alone",
            "paste_shifted": "paste_shifted",
            "paste_into_hidden_rows": "paste_into_hidden_rows",
            "cells_edited": "cells_edited",
            "leading_zeros_lost": "leading_zeros_lost",
            "rows_added": "rows_added",
            "rows_duplicated": "rows_duplicated",
            "rows_removed": "rows_removed",
            "tampered": "tampered",
            "cells_overwritten": "cells_overwritten",
            "stale_rows": "stale_rows",
            "sides_tied": "sides_tied",
            "other": "other",
        },
        "and": ", ",
        "unexpected": "DonorGuard stopped on an unexpected error ({kind}); the work may be incomplete. Press Check "
                      "to see where the list stands.",
    },
    "cli": {
        "new_key": "New seal key {key}… created at {path}; keep a copy where your team can reach it.",
        "sealed": "Sealed: {book} — {rows} rows, rules {rules}, key {key}…",
        "repaired": "Repaired: {n} cells put back in their sealed rows, written to {out}.",
        "repaired_seals": "Repaired: {n} cells and {k} seals put back in their people's rows, written to {out}.",
        "left_tied": "Rows left alone (their columns moved as two equal halves; which moved cannot be told): {rows}",
        "padded": "Leading zeros written back: {n} cells (rows {rows})",
        "reentry_head": "Re-enter from the source documents:",
        "reentry_line": "  row {row}: {cols}",
        "approved": "Approved: {rows}",
        "approved_removed": " / removed {rows}",
        "nothing_written": "Nothing was written.",
        "exported": "Exported: {rows} rows, {files} files → {folder}",
        "receipt": "  receipt: {path}",
        "installed": "Installed {dest}\nInterpreter set in {conf}: {python}",
        "interrupted": "interrupted; nothing was changed.",
        "os_error": "{why}: {where}; nothing was changed.",
        "unexpected": "unexpected {kind}; set DONORGUARD_DEBUG=1 for details.",
        "key_exists": "{path} already exists; a key is never overwritten.",
        "no_log": "{path} does not exist.",
        "give_rows": "give --rows or --removed",
        "bad_rows": "{part!r} is not a row or a range like 12-15",
    },
    "demo": {
        "folder": "Working folder",
        "seal": "1. Seal the known-good list",
        "sort": "2. Sort only the ID column (the 2017 Kosai mistake)",
        "check": "3. Check",
        "repair": "4. Repair (back to the sealed rows, from the seals alone)",
        "check_repaired": "5. Check the repaired file",
        "export": "6. Export one file per destination",
        "exported_to": "Exported to",
        "blocked": "Exporting the sorted file was blocked (nothing written).",
        "sealed_line": "{rows} rows sealed, key {key}…",
        "moved_back": "{n} cells moved back",
        "export_line": "{rows} rows, {files} files",
    },
}
