"""``rom-tracker sessions list [--profile NAME] | show ID | delete ID [--yes]`` (``--json``)."""

from __future__ import annotations

import argparse
import sys

from rom_tracker.errors import UsageError
from rom_tracker.store import Session, Store
from rom_tracker.store.stats import effort_gaps
from rom_tracker.store.text import add_db_argument, bound_text, deg, table, to_json, when

RECORD_HINT = (
    "record one with `rom-tracker record --profile NAME --movement neck_rotation "
    "--mode effortless --source VIDEO`"
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("sessions", help="list, show or delete measurement sessions")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    lst = actions.add_parser("list", help="list sessions, oldest first")
    lst.add_argument("--profile", metavar="NAME", help="only this profile's sessions")
    lst.add_argument("--json", action="store_true", help="print JSON instead of a table")
    show = actions.add_parser("show", help="one session with its trials")
    show.add_argument("session_id", type=int, metavar="ID")
    show.add_argument("--json", action="store_true", help="print JSON instead of a table")
    delete = actions.add_parser("delete", help="delete a session with its trials")
    delete.add_argument("session_id", type=int, metavar="ID")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    for action in (lst, show, delete):
        add_db_argument(action)
    p.set_defaults(func=run)


def _list(store: Store, args: argparse.Namespace) -> None:
    sessions = store.sessions(args.profile)
    if args.json:
        print(to_json([s.to_dict() for s in sessions]), end="")
        return
    if not sessions:
        print(f"no sessions yet - {RECORD_HINT}")
        return
    rows = [
        (s.id, s.profile, when(s.started_at), s.protocol or "-", s.n_trials, s.source or "-")
        for s in sessions
    ]
    print(table(("id", "profile", "started (UTC)", "protocol", "trials", "source"), rows, (0, 4)))


def _show_text(s: Session) -> str:
    lines = [
        f"session {s.id}  profile {s.profile}",
        f"started {when(s.started_at)} UTC, ended {when(s.ended_at)}",
        f"protocol {s.protocol or '-'}, source {s.source or '-'}",
        f"rom-tracker {s.package_version or '?'}, models "
        + (", ".join(f"{k} ({str(v)[:12]})" for k, v in s.models.items()) or "-"),
    ]
    if s.notes:
        lines.append(f"notes: {s.notes}")
    if not s.trials:
        lines.append(f"no trials in this session - {RECORD_HINT}")
        return "\n".join(lines)
    rows = [
        (
            t.id,
            t.movement,
            t.side,
            t.mode,
            "yes" if t.guided else "no",
            deg(t.value_deg, at_least=t.at_least),
            deg(t.sd_deg),
            deg(t.duration_s),
            t.reps,
        )
        for t in s.trials
    ]
    headers = ("trial", "movement", "side", "mode", "guided", "value", "sd", "duration s", "reps")
    lines += ["", "angles in degrees (docs/conventions.md)", table(headers, rows, (0, 5, 6, 7, 8))]
    bounds = [t for t in s.trials if t.at_least]
    if bounds:
        lines += [
            "",
            ">= : at least: the value is a lower bound, not a measurement",
            *(f"  trial {t.id}: {bound_text(t.reason)}" for t in bounds),
        ]
    gaps = effort_gaps(s.trials)
    if gaps:
        gap_rows = [
            (
                g["movement"],
                g["side"],
                deg(float(g["effortless_deg"])),
                deg(float(g["active_deg"])),
                deg(float(g["gap_deg"]), signed=True),
            )
            for g in gaps
        ]
        lines += [
            "",
            table(("movement", "side", "effortless", "active", "effort gap"), gap_rows, (2, 3, 4)),
        ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        if args.action == "list":
            _list(store, args)
        elif args.action == "show":
            s = store.session(args.session_id)
            if args.json:
                print(to_json({**s.to_dict(), "effort_gaps": effort_gaps(s.trials)}), end="")
            else:
                print(_show_text(s))
        else:
            s = store.session(args.session_id)
            if not args.yes:
                if not sys.stdin.isatty():
                    raise UsageError(
                        f"not deleting session {s.id} without confirmation",
                        "add --yes to delete it",
                    )
                answer = input(
                    f"delete session {s.id} of {s.profile} ({when(s.started_at)} UTC, "
                    f"{s.n_trials} trials)? [y/N] "
                )
                if answer.strip().lower() not in {"y", "yes"}:
                    print("kept")
                    return 0
            store.delete_session(s.id)
            print(f"deleted session {s.id} ({s.n_trials} trials)")
    return 0
