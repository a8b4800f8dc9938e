"""The edge where frames come in and MediaPipe runs: cameras, videos and photos
(``capture``), the MediaPipe landmarkers (``landmarks``, the only module that imports
MediaPipe), the model bundles they need (``models``) and MediaPipe's native log lines
(``nativelog``)."""
