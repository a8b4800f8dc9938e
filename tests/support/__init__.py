"""Helpers shared by test files: import them as ``from tests.support.<module> import ...``.

Never import helpers from a ``conftest`` module: every conftest is a module named
``conftest``, and ``from conftest import X`` finds whichever one pytest loaded last, so a
subset of the suite (``pytest tests/reliability tests/store``) would fail to collect.
Fixtures stay in the conftest files; plain functions, classes and data live here.
"""
