"""Command line: thin wrappers over the server and the actions.

`causerie --help` lists every command.
"""

from __future__ import annotations

import argparse
import sys


def _serve(args: argparse.Namespace) -> int:
    from causerie.config import Settings
    from causerie.web.server import run_server

    settings = Settings.from_env(host=args.host, port=args.port, db_url=args.db, broker_url=args.broker)
    run_server(settings)
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    import asyncio

    from causerie.config import Settings
    from causerie.storage import database

    async def upgrade() -> None:
        engine = database.create_engine(Settings.from_env(db_url=args.db).db_url)
        try:
            await database.upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(upgrade())
    print("database schema is up to date")
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    import asyncio

    from causerie.config import Settings
    from causerie.moderation.audit import verify
    from causerie.storage import database
    from causerie.storage.audit import AuditStore

    async def run() -> int:
        engine = database.create_engine(Settings.from_env(db_url=args.db).db_url)
        try:
            await database.upgrade(engine)
            result = await verify(AuditStore(engine))
        finally:
            await engine.dispose()
        if result.ok:
            print(f"audit log intact: {result.count} entries, head {result.head}")
            return 0
        print(f"audit log broken: {result.detail}")
        return 1

    return asyncio.run(run())


def _moderators_add(args: argparse.Namespace) -> int:
    import asyncio
    import getpass

    from causerie.app import Causerie
    from causerie.config import Settings
    from causerie.moderation.accounts import do_add_moderator

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("password: ")

    async def run() -> int:
        app = Causerie(Settings.from_env(db_url=args.db))
        try:
            from causerie.storage import database

            await database.upgrade(app.engine)
            new = await do_add_moderator(app, args.name, password, args.role)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        finally:
            await app.engine.dispose()
        print(f"moderator {new.name} (id {new.id}), roles: {', '.join(new.roles)}")
        print(f"TOTP secret: {new.totp_secret}")
        print(f"TOTP URI: {new.totp_uri}")
        return 0

    return asyncio.run(run())


def _screen(argv: list[str]) -> int:
    from causerie.screening.cli import main as screen_main

    return screen_main(argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="causerie", description="Causerie chat server and tools.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the chat server")
    serve.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port to bind (default 8000)")
    serve.add_argument("--db", default=None, help="database URL (default: SQLite under ./var/)")
    serve.add_argument("--broker", default=None, help="event bus URL: memory:// (default) or redis://…")
    serve.set_defaults(func=_serve)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply the schema migrations (SQLite or PostgreSQL)")
    upgrade.add_argument("--db", default=None, help="database URL (default: SQLite under ./var/)")
    upgrade.set_defaults(func=_db_upgrade)

    audit = sub.add_parser("audit", help="the tamper-evident audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="AUDIT_COMMAND", required=True)
    verify = audit_sub.add_parser("verify", help="recompute the hash chain; name the first broken entry")
    verify.add_argument("--db", default=None, help="database URL (default: SQLite under ./var/)")
    verify.set_defaults(func=_audit_verify)

    mods = sub.add_parser("moderators", help="moderator accounts of the console")
    mods_sub = mods.add_subparsers(dest="moderators_command", metavar="MODERATORS_COMMAND", required=True)
    add = mods_sub.add_parser("add", help="create a moderator; prints the TOTP secret to enrol")
    add.add_argument("name")
    add.add_argument("--role", action="append", required=True,
                     choices=["moderator", "child_safety", "admin", "legal"], help="repeat for several roles")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--db", default=None, help="database URL (default: SQLite under ./var/)")
    add.set_defaults(func=_moderators_add)

    sub.add_parser("screen", help="screen messages from a JSONL file (see `causerie screen --help`)",
                   add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "screen":
        return _screen(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return int(args.func(args))
