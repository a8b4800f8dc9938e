"""Range-of-motion logic over angle series: movements, holds, peaks, reliability, protocols.

Pure numpy/scipy: no cv2, mediapipe or Qt.
"""
