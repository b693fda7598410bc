"""What DonorGuard keeps outside workbooks: seal keys, the audit log, rule sets on disk, per-user places
and settings; and the small file jobs every writer shares (atomic writes, locks, hashing: fsio.py).

May import core/ and text/; never xlsx/, cli/, excel/ or tools/.
"""
