"""The live pipeline (camera, stream or a video played as if live), Qt-free.

``intake`` keeps the newest frame; ``angles`` turns one frame's landmarks into angles with
the rolling state of a live session (pose-yaw calibration, steady trunk, display
smoother); ``processor`` runs the models on a worker thread and hands on a ``LiveResult``
(``result``).
"""
