"""rom-tracker's tests. A package so that ``tests.support`` imports the same way from any
test folder (``pythonpath = ["."]`` in pyproject.toml)."""
