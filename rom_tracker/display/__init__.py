"""What every view shares, with no Qt and no OpenCV: the colours (``palette``), which
landmarks a camera view draws (``overlay``) and the terminal progress bar (``progress``)."""
