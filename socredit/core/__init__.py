"""socredit.core — the pure-Python floor: rules, codes, types. Imports no framework (a lint contract)."""
