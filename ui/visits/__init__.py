"""Site visits (ลงพื้นที่) and meetings: the log, the new-visit window, the meeting dialog."""
