"""Test support (personas, factories). Imported only by tests; may import every floor."""
