"""Benchmark: how long the command line and the app take to start, timed as real processes.

Each figure is a whole process as an officer or a district script would start it: bare `python -c pass`
(the baseline, measured in the same run, interleaved with the others so that a busy machine weighs on
both alike), `fieldtool --help`, the day's queries on a demo subdistrict (`reminders --json`, `arrears`,
`loan show`), the app until its main window is made and drawn (`gui --screenshot`, offscreen), `demo`
and `office demo`. Each line gives the median, the fastest run, the ratio to bare Python and the goal of
issue 14.

    python bench/bench_startup.py [--repeat 5] [--slow-repeat 2] [--keep DIR] [--as-module] [--day YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DAY = "2026-11-22"


def fieldtool_command(as_module: bool) -> list[str]:
    """The installed `fieldtool` script beside this Python when there is one (what officers run), else -m
    (which runs the tree the benchmark is in: an older copy can be measured the same way)."""
    script = Path(sys.executable).with_name("fieldtool")
    return [str(script)] if script.exists() and not as_module else [sys.executable, "-m", "ui.cli"]


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds) of one run. On a machine shared with other work the CPU time
    moves less than the wall clock, which waits for the processor too."""
    cpu, start = _cpu(), time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return took, _cpu() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="runs of each quick command (median shown)")
    ap.add_argument("--slow-repeat", type=int, default=2, help="runs of demo and office demo")
    ap.add_argument("--keep", help="build in this folder and leave it (default: a temporary one)")
    ap.add_argument("--as-module", action="store_true", help="run `python -m ui.cli` of this tree, not the installed script")
    ap.add_argument("--day", default=DAY, help=f"the demo's day (default {DAY})")
    opts = ap.parse_args()

    work = Path(opts.keep) if opts.keep else Path(tempfile.mkdtemp(prefix="fieldtool-startup-"))
    work.mkdir(parents=True, exist_ok=True)
    # Bytecode is cached as an installed program has it (pip and PyInstaller compile it), in a folder of this
    # run rather than beside the sources; a first unmeasured run of each command fills it.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FIELDTOOL_DB": str(work / "unused.sqlite"),
           "PYTHONPYCACHEPREFIX": str(work / "pycache")}
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    ft = fieldtool_command(opts.as_module)
    day = opts.day
    demo_db = work / "demo.sqlite"
    try:
        demo_db.unlink(missing_ok=True)
        subprocess.run([*ft, "--db", str(demo_db), "--quiet", "demo", "--today", day], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        loans = json.loads(subprocess.run([*ft, "--db", str(demo_db), "--json", "loan", "list", "--on", day], cwd=ROOT,
                                          env=env, check=True, capture_output=True, text=True).stdout)
        loan_id = next(i["id"] for i in loans["items"] if i["stage"] in ("follow", "ask"))
        db = ["--db", str(demo_db)]
        quick = {  # name: (argv, goal in seconds or None)
            "python -c pass (baseline)": ([sys.executable, "-c", "pass"], None),
            "fieldtool --help": ([*ft, "--help"], 0.15),
            "reminders --json": ([*ft, *db, "reminders", "--json", "--on", day], 0.4),
            "arrears": ([*ft, *db, "arrears", "--on", day], 0.4),
            "loan show": ([*ft, *db, "loan", "show", loan_id, "--on", day], 0.4),
            "app to its first window (gui --screenshot)": (
                [*ft, *db, "gui", "--screenshot", str(work / "shot.png")], 1.0),
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in quick}
        for argv, _goal in quick.values():  # once each unmeasured: bytecode and disk cache warm for all alike
            timed(argv, env)
        timed([sys.executable, "-c", "import exports.office_demo, fieldtool.sync.merge"], env)
        for _ in range(opts.repeat):
            for name, (argv, _goal) in quick.items():
                times[name].append(timed(argv, env))
        slow = {"demo": 3.0, "office demo --folder": 10.0}
        for name in slow:
            times[name] = []
        for k in range(opts.slow_repeat):
            path = work / f"demo-{k}.sqlite"
            path.unlink(missing_ok=True)
            times["demo"].append(timed([*ft, "--db", str(path), "--quiet", "demo", "--today", day], env))
            folder = work / f"office-{k}"
            shutil.rmtree(folder, ignore_errors=True)
            times["office demo --folder"].append(
                timed([*ft, "--quiet", "office", "demo", "--folder", str(folder), "--day", day], env))
            times["python -c pass (baseline)"].append(timed([sys.executable, "-c", "pass"], env))
    finally:
        if not opts.keep:
            shutil.rmtree(work, ignore_errors=True)

    goals = {**{name: goal for name, (_argv, goal) in quick.items()}, **slow}
    base = statistics.median(wall for wall, _cpu in times["python -c pass (baseline)"])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Start-up as processes, {opts.repeat} runs of each quick command, {opts.slow_repeat} of the slow ones "
          f"(load average {load:.1f} on {os.cpu_count()} CPUs)")
    print(f"{'what':<44} {'median':>8} {'fastest':>8} {'CPU':>7} {'× python':>9} {'goal':>7}")
    for name, runs in times.items():
        med = statistics.median(wall for wall, _cpu in runs)
        best = min(wall for wall, _cpu in runs)
        cpu = statistics.median(c for _wall, c in runs)
        goal = goals[name]
        verdict = "" if goal is None else ("  met" if med < goal else "  MISSED")
        goal_text = "-" if goal is None else f"{goal:g} s"
        print(f"{name:<44} {med:7.2f}s {best:7.2f}s {cpu:6.2f}s {med / base:8.1f}× {goal_text:>7}{verdict}")


if __name__ == "__main__":
    main()
