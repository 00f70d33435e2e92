"""Starting out: `gui` (the app, also with no command at all), `init` (a new database) and `demo` (the demo
subdistrict in an empty one)."""

from __future__ import annotations

from ui.cli.context import database, db_path
from ui.cli.output import emit, on_day, progress


def add_parser(sub, common) -> None:
    g = sub.add_parser("gui", parents=[common], help="open the app (default)")
    g.add_argument("--screenshot", help="write a PNG of the main window and exit")
    g.set_defaults(func=cmd_gui)

    i = sub.add_parser("init", parents=[common], help="create the database")
    i.add_argument("--officer", help="the officer's name, written into the change log")
    i.set_defaults(func=cmd_init)

    d = sub.add_parser("demo", parents=[common], help="fill the database with a demo subdistrict")
    d.add_argument("--seed", type=int, default=1)
    d.add_argument("--today", help="the day the demo is built around (default today)")
    d.set_defaults(func=cmd_demo)


def cmd_gui(args) -> int:
    from ui.app import run_gui

    return run_gui(db_path(args), screenshot=getattr(args, "screenshot", None))


def cmd_init(args) -> None:
    from fieldtool import registry
    from fieldtool.setup import set_officer

    with database(args, create=True) as db:
        with db.session() as s:
            if args.officer:
                set_officer(s, args.officer)
            device = registry.setting(s, "device_id")
        emit(args, {"db": str(db.path), "device_id": device}, [f"ฐานข้อมูลพร้อมใช้: {db.path}", f"รหัสเครื่อง: {device}"])


def cmd_demo(args) -> None:
    from fieldtool.demo import build_demo

    on = on_day(args.today)
    with database(args, create=True) as db:
        with db.session() as s:
            counts = build_demo(s, seed=args.seed, today=on, progress=progress(args))
        emit(args, {"db": str(db.path), **counts},
             [f"สร้างข้อมูลตัวอย่างแล้ว: {db.path}"] + [f"  {k}: {v}" for k, v in counts.items()])
