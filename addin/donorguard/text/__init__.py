"""Every sentence a person reads, in Japanese (default) and English: findings, causes, errors, the CLI, the
Excel dialogs and report sheet, the demo. IDs arrive here already masked.

Imports nothing else of DonorGuard's: everything may import it.
"""
