"""The file layer: .xlsx workbooks read and written without Excel (the safety scan before any reader,
the sheet XML, reading the list early and in halves, writing seals and repairs), and the export files.

May import core/, store/ and text/; never cli/, excel/ or tools/.
"""
