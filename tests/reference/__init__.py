"""An independent reference implementation of docs/RULES.md in plain Python.

End-to-end tests compute expected marts with it straight from the landing
files and compare with what the warehouse built. It shares no code with the
product (no loader, no dbt, no seed): it follows the text of docs/RULES.md.
"""
