"""Saving a public key file from a window (the laptop's for the office, the office's for the officers)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from exports import sync_keys
from fieldtool.thai import InputError
from ui.i18n import tr
from ui.widgets import MessageBar


def save_public_card(message: MessageBar, path: Path, make_card: Callable[[], dict], done_key: str) -> bool:
    """Write the card `make_card()` gives to `path`; say in one sentence what happened."""
    try:
        sync_keys.write_public_card(path, make_card())
    except InputError as exc:
        message.show_error(exc)
        return False
    except OSError as exc:
        message.show_error(tr("office.cannot_write", path=str(path), detail=exc.strerror or str(exc)))
        return False
    message.show_info(tr(done_key, path=str(path)))
    return True
