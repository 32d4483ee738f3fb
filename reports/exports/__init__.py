"""Office renderings of a computed Report: Excel (xlsx.py) and Word (docx.py).

Each is a pure function from a Report to bytes; the command and the views only name the file.
"""
