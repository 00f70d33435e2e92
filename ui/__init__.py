"""The user interfaces: the command line (`ui.cli`) and the PySide6 windows. Only this package imports Qt."""
