"""Tools for the people who build DonorGuard: the benchmark and synthetic donor lists. Not used by staff.

May import anything of DonorGuard's; nothing imports tools/ but the demo (its synthetic Kosai mistake).
"""
