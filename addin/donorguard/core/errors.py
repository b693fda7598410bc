"""Named errors. Each has a default one-sentence message (English); shells print the catalogue's sentence
for it (text/, by class name) and exit with `code`.

Messages never contain a whole ID number.
"""


class DonorGuardError(Exception):
    code = 2
    message = "DonorGuard could not finish."

    def __init__(self, message: str | None = None, **details):
        self.details = details
        self.custom = message is not None      # a sentence of its own, not the catalogue's
        super().__init__(message or self.message.format(**details))


class RulesError(DonorGuardError):
    message = "{file}: {key}: {problem}"


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


class ExportVerifyFailed(DonorGuardError):
    message = "Nothing was exported: the written file {file} did not match the seals when read back."


class Busy(DonorGuardError):
    message = "{path} is being changed by another DonorGuard process; try again when it has finished."


class NoSuchWorkbook(DonorGuardError):
    message = "No open workbook is named {name}."


class UnsafeImport(DonorGuardError):
    message = "Stopped: {module} was loaded from the workbook's folder {folder}."
