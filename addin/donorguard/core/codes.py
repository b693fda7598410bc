"""Every code a person, a script or the catalogue sees, defined once: finding kinds, causes, notices,
why a value is not a valid number, why rows cannot be sealed or approved, and what repair leaves alone.

They are StrEnums: a member is its code (`Kind.SEPARATED == "separated"`), so findings tables, JSON and
the catalogue's keys (text/ja.py, text/en.py) hold plain strings; a test holds the catalogue to these sets.
"""
from enum import StrEnum


class Kind(StrEnum):
    """What is wrong with one row (one finding)."""
    SEPARATED = "separated"          # a bound value sits in another owner's row
    ID_CHANGED = "id_changed"        # the ID is not the one sealed and is nobody else's
    OWNER_CHANGED = "owner_changed"  # an owner column's value is not the one sealed and is nobody else's
    VALUE_CHANGED = "value_changed"  # another bound value is not the one sealed and is nobody else's
    UNSEALED = "unsealed"            # a row added after sealing
    MISSING = "missing"              # a sealed person is nowhere in the list
    DUPLICATE = "duplicate"          # a copy of a row, or an ID that also stands on its owner's row
    INVALID_ID = "invalid_id"
    TAMPERED = "tampered"            # a seal cell that is not a seal DonorGuard wrote for this row
    FORMULA = "formula"              # text a spreadsheet would run as a formula (safety.py)


class Cause(StrEnum):
    """Why, for a group of findings (one line of the diagnosis)."""
    COLUMN_SORTED_ALONE = "column_sorted_alone"
    PASTE_SHIFTED = "paste_shifted"
    PASTE_INTO_HIDDEN_ROWS = "paste_into_hidden_rows"
    CELLS_OVERWRITTEN = "cells_overwritten"      # copies of values written over others (fill-down, a pasted copy)
    CELLS_EDITED = "cells_edited"
    LEADING_ZEROS_LOST = "leading_zeros_lost"
    ROWS_ADDED = "rows_added"
    ROWS_DUPLICATED = "rows_duplicated"
    ROWS_REMOVED = "rows_removed"
    TAMPERED = "tampered"
    STALE_ROWS = "stale_rows"                    # rows copied back from an older version of the list
    SIDES_TIED = "sides_tied"                    # columns moved as two equal halves: which moved is unknown
    FORMULA = "formula"                          # text a spreadsheet would run as a formula (safety.py)
    OTHER = "other"


class Message(StrEnum):
    """Cause sentences that are not causes of their own (the diagnosis says `other` or `tampered`)."""
    SWAPPED = "swapped"


class Notice(StrEnum):
    """Worth knowing, not a separation: a notice never blocks."""
    SEALS_OUT_OF_PLACE = "seals_out_of_place"    # every row whole, the seal column left out of a sort
    SEAL_HEADER = "seal_header"                  # the seal column found by its cells, its header renamed or cleared
    FORMULAS_SEALED = "formulas_sealed"          # bound cells hold formulas whose values were sealed
    ENCODING = "encoding"                        # characters the export's encoding cannot carry (safety.py)


class Why(StrEnum):
    """Why a value cannot be sealed (a cell's problem)."""
    BLANK = "blank"
    NOT_DIGITS = "not_digits"
    LENGTH = "length"
    CHECK_DIGIT = "check_digit"
    LEADING_ZERO_LOST = "leading_zero_lost"
    TWO_OWNERS = "two_owners"
    FORMULA_CELL = "formula_cell"                # a formula in a bound column (paste as values first)
    FORMULA = "formula"                          # text a spreadsheet would run as a formula (safety.py)
    FORMULA_NO_VALUE = "formula_no_value"        # a formula with no computed value
    NOT_A_PERSON = "not_a_person"                # a total or other row that is not a person, inside the list


class Refusal(StrEnum):
    """Why rows cannot be approved."""
    SEPARATED = "separated"
    DUPLICATE = "duplicate"
    SEAL_MOVED = "seal_moved"
    REASON_REQUIRED = "reason_required"
    NOT_ROWS = "not_rows"
    NOT_MISSING = "not_missing"
    USE_REMOVED = "use_removed"
    NOTHING_TO_APPROVE = "nothing_to_approve"
    PROBLEMS = "problems"


class Left(StrEnum):
    """What a repair leaves alone, and why (besides values to re-enter)."""
    SIDES_TIED = "sides_tied"
