"""rom-tracker measured against third-party datasets (``../shared/data``): the code behind
``docs/accuracy.md`` and ``docs/accuracy_neck.md``, run by ``bench/`` and guarded by the
tests. Not used by the product: nothing outside ``bench/`` and ``tests/`` imports it."""
