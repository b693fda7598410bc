"""The donorguard command: its launcher (launch.py, the console script), the click commands (command.py),
the operations on workbook files they run (ops.py), the demo and install-addin.

A shell: parses, calls the core through the file layer (xlsx/) and the stores, prints. Never computes a seal.
"""
