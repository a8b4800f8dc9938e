"""The desktop app (``rom-tracker gui``): PySide6 widgets over plain, Qt-free classes.

Qt-free (importable and tested without Qt): :mod:`.ringbuffer`, :mod:`.ranges`,
:mod:`.flow`, :mod:`.posture`. Everything else
imports PySide6 and pyqtgraph (the ``gui`` extra) and is only imported by
:func:`rom_tracker.ui.app.run`.
"""
