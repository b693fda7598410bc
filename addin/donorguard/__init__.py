"""DonorGuard: keeps every ID number bound to its owner in Excel donor lists."""
__version__ = "0.1.0"
