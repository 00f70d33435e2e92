"""What every letter prints, from the command line: `letterhead show|set` (the office's name, address, signer,
this laptop's block of letter numbers …: fieldtool.letterhead.OFFICE_SETTINGS) and `template show|set|reset`
(the wording of each kind of letter).

`office show` and `office set` are the old spelling of `letterhead show|set`, still accepted (scripts and
notes written before `office` came to mean the district office only).
"""

from __future__ import annotations

from ui.cli.context import session
from ui.cli.output import emit, read_json

KEYS_HELP = ("office_name, office_address (| between lines), letter_prefix, letter_block (this laptop's numbers, "
             "e.g. 201-400), signer_name, signer_position, section, section_phone, pay_place, contact, emblem_path, "
             "thai_digits (1/0), copy_mark (1/0), postal_code, garuda_space (1/0)")


def add_parser(sub, common) -> None:
    lh = sub.add_parser("letterhead", help="the office's details printed on letters").add_subparsers(
        dest="letterhead_command", required=True)
    _show_and_set(lh, common, "")

    tp = sub.add_parser("template", help="the wording of each letter kind").add_subparsers(dest="template_command", required=True)
    for name in ("show", "set", "reset"):
        t = tp.add_parser(name, parents=[common])
        t.add_argument("kind", help="notice, demand-1, demand-2, demand-final or meeting")
        if name == "set":
            t.add_argument("--file", required=True, help='JSON file: {"subject": "...", "body": ["...", ...]}')
        t.set_defaults(func=cmd_template)


def add_old_spelling(office, common) -> None:
    """`office show|set`, as the letterhead was named before (`office` is the `office` command's subparsers)."""
    _show_and_set(office, common, " (old spelling of 'letterhead show|set')")


def _show_and_set(commands, common, note: str) -> None:
    commands.add_parser("show", parents=[common], help=f"the letterhead settings{note}").set_defaults(func=cmd_show)
    st = commands.add_parser("set", parents=[common], help=f"set one letterhead setting{note}")
    st.add_argument("key", help=KEYS_HELP)
    st.add_argument("value")
    st.set_defaults(func=cmd_set)


def cmd_show(args) -> None:
    _letterhead(args, None)


def cmd_set(args) -> None:
    _letterhead(args, (args.key, args.value))


def _letterhead(args, change: tuple[str, str] | None) -> None:
    from fieldtool import letterhead

    with session(args) as s:
        if change:
            letterhead.set_office_setting(s, *change)
        settings = letterhead.office_settings(s)
    lines = [f"{k:<16} {v or '-'}   ({letterhead.OFFICE_SETTINGS[k].described})" for k, v in settings.items()]
    emit(args, settings, lines)


def cmd_template(args) -> None:
    from fieldtool import letterhead
    from fieldtool.text import Text
    from fieldtool.thai import InputError
    from fieldtool.vocabulary import LetterKind

    data = read_json(args.file, "แม่แบบ") if args.template_command == "set" else None
    with session(args) as s:
        if args.template_command == "set":
            letterhead.set_template(s, args.kind, data)
        elif args.template_command == "reset":
            letterhead.reset_template(s, args.kind)
        elif LetterKind.parse(args.kind) is None:
            raise InputError(Text(f"ไม่มีหนังสือประเภท {args.kind}", f"no letter kind {args.kind}"))
        template = letterhead.get_template(s, args.kind)
    emit(args, {"kind": args.kind, **template, "placeholders": letterhead.PLACEHOLDERS},
         [template["subject"], *template["body"]])
