"""The core: rules, ID kinds, fingerprints, seal, check, diagnosis, repair, approval and the export plan,
on pandas/Arrow tables.

It knows nothing of Excel or files and does no I/O: shells hand it a Table and a manifest and turn its named
exceptions (errors.py) into messages. It may import text/ (the sentences of findings) and nothing else of
DonorGuard's (the contract in pyproject.toml, checked by import-linter in CI).
"""
