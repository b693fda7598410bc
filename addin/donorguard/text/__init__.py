"""Every sentence a person reads, in Japanese (default) and English: findings, causes, errors, the CLI, the
Excel dialogs and report sheet, the demo. IDs arrive here already masked.

ja.py and en.py are the catalogue (the same keys in both); messages.py builds the core's sentences from it;
report.py lays a check report out for a terminal or as JSON.
Imports nothing else of DonorGuard's: everything may import it.
"""
import os

LANGS = ("ja", "en")
DEFAULT = "ja"


def lang(value: str | None = None) -> str:
    """The language to speak: `value` if given, else DONORGUARD_LANG, else Japanese; unknown names give
    Japanese (the shells say so where a person chose the name)."""
    value = value or os.environ.get("DONORGUARD_LANG") or DEFAULT
    return value if value in LANGS else DEFAULT


def t(language: str | None) -> dict:
    """The catalogue of a language."""
    if lang(language) == "en":
        from .en import TEXT
    else:
        from .ja import TEXT
    return TEXT
