"""The private key file of a laptop or of the district office, optionally locked with a passphrase.

The file is JSON, readable by its owner only (0600). Unlocked, it holds the two private keys in base64 (the
format of the first release, still read). Locked, the two private keys are sealed with ChaCha20-Poly1305
under a key made from the passphrase by scrypt (n=2^17, r=8, p=1: about a third of a second and 128 MiB,
so guessing is slow), and what is not secret stays readable: whose key it is and the two public keys,
so the public key file can be made and the role checked without the passphrase. The associated data binds
them to the sealed keys, so they cannot be swapped.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import json
import os
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.vocabulary import KeyRole
from fieldtool.whole_file import PRIVATE, WholeFile

PASSPHRASE_ENV = "FIELDTOOL_KEY_PASSPHRASE"  # the passphrase of the key file, for scripts
NEW_PASSPHRASE_ENV = "FIELDTOOL_NEW_KEY_PASSPHRASE"  # the one to set, for `keys passphrase` in scripts
MIN_PASSPHRASE = 8
SCRYPT = {"n": 1 << 17, "r": 8, "p": 1}
SEALED_WITH = "scrypt-ChaCha20Poly1305"


class PassphraseError(InputError):
    """The key file is locked and no passphrase, or the wrong one, was given: a screen may ask again."""


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def unb64(text: str, size: int) -> bytes:
    raw = base64.b64decode(text.encode("ascii"), validate=True)
    if len(raw) != size:
        raise ValueError(f"expected {size} bytes")
    return raw


def raw_public(public) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(sign_public: bytes) -> str:
    return hashlib.sha256(sign_public).hexdigest()[:32]


@dataclass
class PublicKeys:
    """The public half of a key file: enough for the public key file handed to the other side."""

    role: KeyRole
    device_id: str
    sign_public: bytes
    box_public: bytes

    @property
    def key_id(self) -> str:
        return key_id_of(self.sign_public)


@dataclass
class Keys:
    """A key pair of one installation: Ed25519 to sign what it sends, X25519 to open what it receives."""

    role: KeyRole
    device_id: str
    sign: Ed25519PrivateKey
    box: X25519PrivateKey

    @property
    def sign_public(self) -> bytes:
        return raw_public(self.sign.public_key())

    @property
    def box_public(self) -> bytes:
        return raw_public(self.box.public_key())

    @property
    def key_id(self) -> str:
        return key_id_of(self.sign_public)


def new_keys(role: KeyRole, device_id: str) -> Keys:
    return Keys(role, device_id, Ed25519PrivateKey.generate(), X25519PrivateKey.generate())


# --- writing ----------------------------------------------------------------------------------------------


def _private_bytes(key) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def _body(keys: Keys, passphrase: str | None) -> bytes:
    data = {"fieldtool_private_key": 1, "role": keys.role, "device_id": keys.device_id, "key_id": keys.key_id}
    if passphrase is None:
        data |= {"sign_private": b64(_private_bytes(keys.sign)), "box_private": b64(_private_bytes(keys.box))}
    else:
        data |= {"sign_public": b64(keys.sign_public), "box_public": b64(keys.box_public)}
        salt, nonce = os.urandom(16), os.urandom(12)
        secret = _private_bytes(keys.sign) + _private_bytes(keys.box)
        sealed = ChaCha20Poly1305(_derive(passphrase, salt, SCRYPT)).encrypt(nonce, secret, _bound(data))
        data["locked"] = {"with": SEALED_WITH, **SCRYPT, "salt": b64(salt), "nonce": b64(nonce), "sealed": b64(sealed)}
    return json.dumps(data, indent=2).encode()


def write_private_key(path: Path, keys: Keys, passphrase: str | None = None) -> None:
    """A new private key file, locked when a passphrase is given: owner-only (0600), never overwritten."""
    if passphrase is not None:
        check_new_passphrase(passphrase)
    body = _body(keys, passphrase)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InputError(Text(f"มีไฟล์กุญแจอยู่แล้ว: {path}", f"a key file already exists: {path}")) from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(body)
        fh.flush()
        os.fsync(fh.fileno())


def change_passphrase(path: Path, role: KeyRole, old: str | None, new: str | None) -> bool:
    """Lock the key file with `new` (None: unlock it), opening it with `old`; the keys stay the same.

    Returns whether the file is now locked. The file is replaced whole (0600) or not at all.
    """
    if new is not None:
        check_new_passphrase(new)
    keys = read_private_key(path, role, old)
    body = _body(keys, new)
    with WholeFile(Path(path), PRIVATE) as part:
        part.write_bytes(body)
    return new is not None


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise InputError(Text(f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSPHRASE} ตัวอักษร",
                              f"the passphrase must be at least {MIN_PASSPHRASE} characters long"))


# --- reading ----------------------------------------------------------------------------------------------


def _hint(role: KeyRole) -> str:
    return "fieldtool keys init" if role == KeyRole.OFFICER else "fieldtool office-keys init"


def _load(path: Path, role: KeyRole) -> dict:
    """The key file's JSON, checked for presence, owner-only permissions, shape and role."""
    path = Path(path)
    if not path.exists():
        raise InputError(Text(f"ยังไม่มีกุญแจของฐานข้อมูลนี้ ให้สร้างด้วย '{_hint(role)}'",
                              f"this database has no keys yet: make them with '{_hint(role)}'; looked for {path}"))
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise InputError(Text(f"ไฟล์กุญแจลับเปิดให้ผู้อื่นอ่านได้: {path} ให้ตั้งสิทธิ์เป็น 600",
                              f"the private key file {path} is readable by others; run 'chmod 600 {path}'"))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("fieldtool_private_key") != 1:
            raise ValueError("not a private key file")
        if not all(isinstance(data.get(k), str) for k in ("role", "device_id", "key_id")):
            raise ValueError("who the key belongs to is missing")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise _damaged(path) from exc
    if data["role"] != role:
        owner = (KeyRole.parse(data["role"]) or KeyRole.OFFICER).label.th
        raise InputError(Text(f"ไฟล์กุญแจนี้เป็นของ{owner}: {path}",
                              f"the key file {path} belongs to the {data['role']}, not the {role}"))
    return data


def _damaged(path: Path) -> InputError:
    return InputError(Text(f"ไฟล์กุญแจลับเสียหายหรือไม่ใช่ไฟล์กุญแจ: {path}",
                           f"the private key file {path} is damaged or not a fieldtool key file"))


def is_locked(path: Path) -> bool:
    """Whether the key file asks for a passphrase (False for a missing or unreadable one: reading it says why)."""
    try:
        return "locked" in json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, UnicodeDecodeError):
        return False


def read_private_key(path: Path, role: KeyRole, passphrase: str | None = None) -> Keys:
    """The keys in the file; a locked file needs its passphrase (PassphraseError without it or with a wrong one)."""
    data = _load(path, role)
    try:
        if "locked" in data:
            secret = _unlock(path, data, passphrase)
            sign, box = secret[:32], secret[32:]
        else:
            sign, box = unb64(data["sign_private"], 32), unb64(data["box_private"], 32)
        keys = Keys(KeyRole(data["role"]), data["device_id"], Ed25519PrivateKey.from_private_bytes(sign),
                    X25519PrivateKey.from_private_bytes(box))
    except InputError:  # no passphrase or a wrong one: said as such, not as damage
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _damaged(path) from exc
    if keys.key_id != data["key_id"]:
        raise _damaged(path)
    return keys


def read_public_keys(path: Path, role: KeyRole) -> PublicKeys:
    """The public keys of the file, without the passphrase of a locked one."""
    data = _load(path, role)
    if "locked" not in data:
        keys = read_private_key(path, role)
        return PublicKeys(keys.role, keys.device_id, keys.sign_public, keys.box_public)
    try:
        public = PublicKeys(KeyRole(data["role"]), data["device_id"], unb64(data["sign_public"], 32),
                            unb64(data["box_public"], 32))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _damaged(path) from exc
    if public.key_id != data["key_id"]:
        raise _damaged(path)
    return public


def check_passphrase(path: Path, passphrase: str | None) -> None:
    """Open the key file once with `passphrase`, whatever its role: refused with one sentence if wrong."""
    try:
        role = json.loads(Path(path).read_text(encoding="utf-8")).get("role")
    except (OSError, ValueError, AttributeError, UnicodeDecodeError):
        role = None  # reading it says what is wrong
    known = KeyRole.parse(role) if isinstance(role, str) else None
    read_private_key(path, known or KeyRole.OFFICER, passphrase)


def _bound(data: dict) -> bytes:
    """What the sealed keys are bound to: whose they are and their public halves."""
    fields = ("role", "device_id", "key_id", "sign_public", "box_public")
    return json.dumps({k: data[k] for k in fields}, sort_keys=True).encode()


def _derive(passphrase: str, salt: bytes, params: dict) -> bytes:
    text = unicodedata.normalize("NFC", passphrase)  # the same letters typed on another keyboard open it too
    return Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"]).derive(text.encode("utf-8"))


def _unlock(path: Path, data: dict, passphrase: str | None) -> bytes:
    if not passphrase:
        raise PassphraseError(Text(f"ไฟล์กุญแจลับมีรหัสผ่าน ต้องใส่รหัสผ่านก่อน: {path}",
                                   f"the private key file {path} is locked with a passphrase: type it when asked, "
                                   f"or set {PASSPHRASE_ENV} for a script"))
    locked = data["locked"]
    if locked.get("with") != SEALED_WITH:
        raise ValueError("unknown lock")
    params = {k: int(locked[k]) for k in ("n", "r", "p")}
    if params["n"] > 1 << 22 or params["r"] > 32 or params["p"] > 16:
        raise ValueError("scrypt parameters beyond any this program writes")
    key = _derive(passphrase, unb64(locked["salt"], 16), params)
    try:
        secret = ChaCha20Poly1305(key).decrypt(unb64(locked["nonce"], 12), base64.b64decode(locked["sealed"]),
                                               _bound(data))
    except InvalidTag:
        raise PassphraseError(Text("รหัสผ่านของไฟล์กุญแจไม่ถูกต้อง", f"the passphrase of the key file {path} is wrong")) from None
    if len(secret) != 64:
        raise ValueError("sealed keys of the wrong size")
    return secret


# --- asking, on the command line ----------------------------------------------------------------------------


def passphrase_for_script(path: Path, env: str = PASSPHRASE_ENV) -> str | None:
    """The passphrase of a locked key file for a command: from `env` (scripts), else asked on the terminal.

    None when the file is not locked.
    """
    if not is_locked(path):
        return None
    return _from_env_or_terminal(env, f"รหัสผ่านกุญแจ (key passphrase) {path}: ",
                                 Text(f"ไฟล์กุญแจลับมีรหัสผ่าน ให้ตั้ง {env} หรือเรียกคำสั่งจากเทอร์มินัล: {path}",
                                      f"the private key file {path} is locked: set {env}, or run the command on a terminal"))


def new_passphrase_for_script(env: str = NEW_PASSPHRASE_ENV) -> str:
    """A passphrase to set: from `env`, else typed twice on the terminal."""
    missing = Text(f"ให้ตั้ง {env} หรือเรียกคำสั่งจากเทอร์มินัลเพื่อพิมพ์รหัสผ่านใหม่",
                   f"set {env}, or run the command on a terminal to type the new passphrase")
    chosen = _from_env_or_terminal(env, "รหัสผ่านใหม่ (new passphrase): ", missing)
    check_new_passphrase(chosen)
    if env not in os.environ and getpass.getpass("พิมพ์อีกครั้ง (again): ") != chosen:
        raise InputError(Text("รหัสผ่านที่พิมพ์สองครั้งไม่ตรงกัน", "the two passphrases typed differ"))
    return chosen


def _from_env_or_terminal(env: str, prompt: str, missing: Text) -> str:
    if env in os.environ:
        return os.environ[env]
    if not sys.stdin.isatty():
        raise PassphraseError(missing)
    return getpass.getpass(prompt)
