"""Named errors. Each has a default one-sentence message (English); shells print the catalogue's sentence
for it (text/, by class name) and exit with `code`.

Messages never contain a whole ID number: the message and every text detail (also inside lists, tuples and
dicts of details) pass through text.scrub, so a My Number in a file name or a cell quoted in an error is
masked too.
"""
from ..text.scrub import scrub, scrub_all


class DonorGuardError(Exception):
    code = 2
    message = "DonorGuard could not finish."

    def __init__(self, message: str | None = None, **details):
        self.details = {k: scrub_all(v) for k, v in details.items()}
        self.custom = message is not None      # a sentence of its own, not the catalogue's
        super().__init__(scrub(message or self.message.format(**self.details)))


class RulesError(DonorGuardError):
    message = "{file}: {key}: {problem}"


class SettingsError(DonorGuardError):
    """`problem`: syntax, unknown, not_text, choice, missing, unreadable (the catalogue has a sentence each)."""
    message = "{file}: line {line}: {key}: {problem}"


class NotAWorkbook(DonorGuardError):
    message = "{path} is not an Excel .xlsx workbook ({why})."


class WorkbookUnreadable(DonorGuardError):
    message = "{path} could not be read: {why}."


class MissingColumns(DonorGuardError):
    message = "No sheet of {path} has a header row with {missing} in its first {rows} rows."


class DuplicateColumns(DonorGuardError):
    message = "The header row names {columns} twice; a bound column must appear once."


class TooWide(DonorGuardError):
    message = "{path} uses the last column of the sheet, so there is no free column for the seals."


class TooLargeToWrite(DonorGuardError):
    message = ("Nothing was written to {path}: {why} would reach {size:,}, above the {limit:,} DonorGuard reads, "
               "so it could not be read back. Split the list into smaller workbooks.")


class NotSealed(DonorGuardError):
    message = "{path} has not been sealed yet: run `donorguard seal` on the known-good list first."


class AlreadySealed(DonorGuardError):
    message = "{path} is already sealed; use `donorguard approve` for rows that changed."


class ManifestTampered(DonorGuardError):
    code = 1
    message = "The DonorGuard manifest of {path} was edited or copied from another workbook."


class SealFormat(DonorGuardError):
    code = 1
    message = "{path} was sealed by an earlier DonorGuard (format {format}); seal the known-good list again."


class NoKey(DonorGuardError):
    message = "No seal key found (looked at {where}); pass --key FILE or set DONORGUARD_KEY_FILE."


class KeyFileInsecure(DonorGuardError):
    message = "Key file {path} can be read by other users; run `chmod 600 {path}`."


class KeyFileInvalid(DonorGuardError):
    message = "{path} is not a DonorGuard key file."


class WrongKey(DonorGuardError):
    message = "Sealed with key {sealed}…, this machine has {have}…: use the key the list was sealed with."


class UnfitToSeal(DonorGuardError):
    code = 1
    message = "The list cannot be sealed: {problems}."


class NotApprovable(DonorGuardError):
    code = 1
    message = "Rows {rows} cannot be approved: {why}."


class ExportBlocked(DonorGuardError):
    code = 1
    message = "Nothing was exported: the list is blocked."


class ExportRefused(DonorGuardError):
    """Found before anything is written: text a spreadsheet would run as a formula (reason "formula"),
    characters the encoding cannot carry unchanged ("encoding"), an unusable file name ("file_name")."""
    code = 1
    message = "Nothing was exported: {why}"


class ExportVerifyFailed(DonorGuardError):
    message = "Nothing was exported: the written file {file} did not match the seals when read back."


class OutputExists(DonorGuardError):
    message = "{path} already exists; give another file, or --force to replace it."


class AuditUnwritable(DonorGuardError):
    """The intent line could not be written, so the action was not carried out (the write-ahead rule)."""
    message = "Nothing was done: the audit log {log} cannot be written ({why})."


class ActionUnfinished(DonorGuardError):
    """The change was written (seal, repair, approval, export), then something stopped the command before it
    finished (a read-back, a hash for the log, Ctrl+C): never to be told as nothing changed."""
    message = "The {action} was written, then DonorGuard stopped ({why}); check the file again."


class AuditOutcomeUnwritten(DonorGuardError):
    """The action was carried out and its intent is in the log, but its outcome line could not be written."""
    message = "The {action} was carried out, but its outcome could not be written to the audit log {log} ({why})."


class Busy(DonorGuardError):
    message = "{path} is being changed by another DonorGuard process; try again when it has finished."


class NoSuchWorkbook(DonorGuardError):
    message = "No open workbook is named {name}."


class UnsafeImport(DonorGuardError):
    message = "Stopped: {module} was loaded from the workbook's folder {folder}."


class KeyFileMissing(NoKey):
    """A key file named (--key, the environment, the rules or the settings) that is not there: said as such."""
    message = "The key file {path} does not exist."


class RepairInPlace(DonorGuardError):
    message = "A repair writes a copy: give --out another file than {path}."


class OpenInExcel(DonorGuardError):
    message = "{path} is open in Excel (or locked); close it in Excel first, or use the DonorGuard tab."


class NoStartupFolder(DonorGuardError):
    message = "Excel's startup folder is unknown on this system; pass --dir FOLDER."


class AddinFileMissing(DonorGuardError):
    message = "{path} is missing; run `python addin/vba/build.py` first."


class AddinPathUnreadable(DonorGuardError):
    message = ("The add-in cannot read the Python path {path} (code page {code_page}, no short path): install "
               "Python in a folder without such characters, e.g. C:\\Python311, and run install-addin again.")
