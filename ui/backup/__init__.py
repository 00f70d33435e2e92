"""File → สำรองข้อมูล… and กู้คืนข้อมูล…: the officer's backup on a USB stick and its restore
(`dialogs`), what the main window does around them (`actions`), and the automatic daily copies the app
takes when it starts and closes (`automatic`). The files themselves are exports.backup and db.backup.
"""
