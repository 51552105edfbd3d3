"""Command-line tasks: `flask --app wsgi seed`, `flask --app wsgi reference load` ..."""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask

from secretariat_app.backup.cli import register_backup_cli
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.loading import LoadReport
from secretariat_app.cycles.services import check as cycle_check
from secretariat_app.cycles.services import history_import
from secretariat_app.cycles.services import rules as rules_service
from secretariat_app.demo import accounts as demo
from secretariat_app.demo import seed as seeding
from secretariat_app.demo.guard import DemoRefused
from secretariat_app.documents.read_state_cli import register_read_state_cli
from secretariat_app.documents.text.cli import register_texts_cli
from secretariat_app.domain.cycles_history_files import HistoryFileError, read_history
from secretariat_app.domain.forum_rules import RulesFileError


def register_cli(app: Flask) -> None:
    register_notify_cli(app)
    register_backup_cli(app)
    register_texts_cli(app)
    register_read_state_cli(app)

    @app.cli.group("reference")
    def reference() -> None:
        """Reference data: states, memberships, bodies, the Catalogue of CBMs."""

    @reference.command("load")
    def reference_load() -> None:
        """Load states, memberships, bodies and the Catalogue of CBMs (idempotent)."""
        report = seeding.load_reference()
        _print_report(report.reference)
        _print_catalogue(report.catalogue)

    @app.cli.command("seed")
    @click.option("--demo/--no-demo", "with_demo", default=None,
                  help="Also create the demo users and content (default: yes, except in production, "
                       "where --demo is refused).")
    def seed(with_demo: bool | None) -> None:
        """Load reference data, the recorded history and, outside production, the demo users and content."""
        try:
            report = seeding.seed(with_demo=with_demo)
        except DemoRefused as refused:
            raise click.ClickException(f"nothing seeded: {refused}") from None
        _print_report(report.reference)
        _print_catalogue(report.catalogue)
        history = report.history
        assert history is not None  # seed() imports it unless told not to
        click.echo("History: " + (f"created {history.created}." if history.changed else "already up to date."))
        if not report.demo_users:
            click.echo("Demo users and content: none (" + ("not asked for" if with_demo is False
                                                          else "never in production") + ").")
        else:
            if report.demo_content:
                click.echo("Demo meetings and documents: created (the December SWG and SOC).")
            if report.cbm_demo:
                click.echo("Demo CBM content: created (two priority areas with their papers, activities and reports).")
            click.echo(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
            for email, name in report.demo_users:
                areas = report.coordinators.get(email)
                click.echo(f"  {email:38} {name}" + (f"; CBM coordinator: {', '.join(areas)}" if areas else ""))
            _print_second_factors(report.second_factors)

    @app.cli.group("cycles")
    def cycles_group() -> None:
        """The rhythm of meetings and the chairmanship."""

    @cycles_group.command("import-history")
    @click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
    def import_history(directory: Path) -> None:
        """Import meetings_history.csv, chairmanships_history.csv,
        informal_ministerial_history.csv and, if present, chairmanship_decisions.csv
        from DIRECTORY (all or nothing)."""
        try:
            report = history_import.import_history(directory)
        except history_import.HistoryImportError as error:
            raise click.ClickException(f"nothing imported: {error}") from None
        if not report.changed:
            click.echo("History: already up to date, nothing changed.")
        else:
            click.echo(f"History: created {report.created or 'nothing'}; updated {report.updated or 'nothing'}.")

    @cycles_group.command("check")
    @click.option("--rules", "rules_file", default=None, type=click.Path(dir_okay=False, path_type=Path),
                  help="Check by this rules file (TOML) instead of the rules in force (RULES_FILE and the "
                       "uploaded versions).")
    @click.option("--history", "history_dir", default=None,
                  type=click.Path(exists=True, file_okay=False, path_type=Path),
                  help="Check the history of these CSV files (as import-history reads them) instead of the "
                       "database's.")
    @click.option("--as-of", "as_of", default=None, help="Check as of this day (YYYY-MM-DD); default today.")
    @click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
    @click.option("--record", is_flag=True,
                  help="Run the daily check now (what beat does at 03:00 UTC): store the findings as of today and "
                       "queue the officers' notices of new ones.")
    def check(rules_file: Path | None, history_dir: Path | None, as_of: str | None, as_json: bool,
              record: bool) -> None:
        """Print when each body is next due and every departure from the rules;
        with --record, also store them as the daily check does."""
        if record and as_of:
            raise click.UsageError("--record checks as of today: leave out --as-of")
        if record and (rules_file or history_dir):
            raise click.UsageError("--record checks the database by the rules in force: leave out --rules and "
                                   "--history")
        history = None
        if history_dir is not None:
            try:
                history = read_history(history_dir)
            except (OSError, HistoryFileError) as error:
                raise click.ClickException(f"history not usable: {error}") from None
        forum, rules = None, None
        if rules_file is not None:
            try:
                forum, rules = rules_service.read_rules_file_for_check(rules_file, history_dir is None)
            except (OSError, RulesFileError) as error:
                raise click.ClickException(f"rules not usable: {error}") from None
        try:
            if as_of:
                day = date.fromisoformat(as_of)
            else:  # today in the forum's zone: the file's, for another forum's rules
                day = datetime.now(ZoneInfo(forum.time_zone)).date() if forum else forum_today()
        except ValueError:
            raise click.BadParameter("use the form YYYY-MM-DD", param_hint="--as-of") from None
        recorded = cycle_check.check_and_record(day) if record else None
        result = recorded.result if recorded else cycle_check.run_check(day, rules, history)
        source: dict[str, object] = (
            {"forum": forum.name, "file": str(rules_file), "version": forum.version, "time_zone": forum.time_zone}
            if forum else rules_service.describe_source(rules_service.source_on(day)))
        if as_json:
            data = {**result.as_dict(), "rules": source}
            if recorded:
                data["recorded"] = {"new_findings": len(recorded.new_warnings), "notices_queued": recorded.queued}
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        click.echo(f"As of {day.isoformat()}")
        version = f", version {source['version']}" if source.get("version") else ""
        click.echo(f"Rules: {source['forum']} ({source['file']}{version})")
        click.echo("Next due:")
        for due in result.next_due:
            click.echo(f"  {due.body:14} {due.due_year}")
        click.echo("Findings:" if result.findings else "Findings: none")
        for finding in result.findings:
            click.echo(f"  [{finding.severity}] {finding.rule}: {finding.message}")
        if recorded:
            click.echo(f"Recorded: {len(recorded.new_warnings)} new departure(s) from the rules; "
                       f"{recorded.queued} notice(s) queued for the officers.")


def register_notify_cli(app: Flask) -> None:
    @app.cli.group("notify")
    def notify_group() -> None:
        """Notices: dispatch them by hand, resend failed ones."""

    @notify_group.command("dispatch")
    @click.option("--inline", is_flag=True,
                  help="Send the claimed notices in this process instead of handing them to the workers.")
    def notify_dispatch(inline: bool) -> None:
        """Run one pass of the dispatcher now (what beat does every minute): the
        claimed notices go in batches, to the workers or, with --inline, over one
        SMTP connection per batch in this process."""
        from secretariat_app.notices.services import dispatch
        from workers.tasks.notify import dispatch_now

        outcomes: list[str] = []

        def send_here(pairs: list[tuple[int, int]]) -> None:
            outcomes.extend(dispatch.deliver_batch(pairs).values())

        result = (dispatch.dispatch(send_here, per_task=dispatch.task_batch_size()) if inline
                  else dispatch_now())
        click.echo(f"Taken back from lost workers: {result.reclaimed}; claimed: {len(result.claimed)}; "
                   f"{'sent here' if inline else 'handed to the workers'}: {result.enqueued}.")
        if result.gate != "closed":
            from secretariat_app.notices.services import circuit

            state = circuit.status()
            click.echo(f"The SMTP server cannot be reached (since {state.since}; {state.last_error}): nothing "
                       f"claimed, no attempt spent; next probe at {state.retry_at}.")
        if inline:
            counts = ", ".join(f"{outcome}: {outcomes.count(outcome)}" for outcome in sorted(set(outcomes)))
            click.echo(f"Outcomes: {counts or 'none'}.")
        if result.error:
            raise click.ClickException(f"the broker refused a task ({result.error}); the claimed notices "
                                       "are taken back after NOTIFY_SENDING_TIMEOUT_SECONDS")

    @notify_group.command("resend")
    @click.argument("ids", nargs=-1, type=int)
    @click.option("--all-failed", is_flag=True, help="Resend every failed notice.")
    def notify_resend(ids: tuple[int, ...], all_failed: bool) -> None:
        """Make failed notices ID... (or --all-failed) pending again; the next dispatch sends them."""
        from secretariat_app.notices.services import resend

        if bool(ids) == all_failed:
            raise click.UsageError("give the ids of failed notices, or --all-failed")
        resent = resend.resend_failed(None, None if all_failed else ids, "command line")
        click.echo(f"{len(resent)} failed notice(s) will be sent again: {', '.join(map(str, resent)) or 'none'}.")
        not_failed = sorted(set(ids) - set(resent))
        if not_failed:
            raise click.ClickException(f"not failed (or unknown), left as they were: {', '.join(map(str, not_failed))}")

    @notify_group.command("failed")
    def notify_failed() -> None:
        """List the failed notices with their last error."""
        from secretariat_app.notices.services import resend

        rows = resend.failed_notices()
        for row in rows:
            click.echo(f"{row.id:>8}  {row.kind.value:24} {row.subject_type} {row.subject_id:<6} "
                       f"{row.recipient.email:32} attempts {row.attempts}  {row.last_error}")
        click.echo(f"{resend.count_failed()} failed notice(s).")


def _print_second_factors(second_factors: list[tuple[str, str, str]]) -> None:
    """The Secretariat's demo logins ask for a code after the password: their keys."""
    if not second_factors:
        return
    click.echo("Secretariat demo logins also ask for a code: add each key to an authenticator app")
    click.echo("(time-based, 6 digits), or open its otpauth:// URI with one:")
    for email, key, uri in second_factors:
        click.echo(f"  {email:38} key {key}")
        click.echo(f"  {'':38} {uri}")


def _print_report(report: LoadReport) -> None:
    if not report.changed:
        click.echo("Reference data: already up to date, nothing changed.")
        return
    click.echo(f"Reference data: created {report.created or 'nothing'}; updated {report.updated or 'nothing'}.")


def _print_catalogue(report: LoadReport) -> None:
    if not report.changed:
        click.echo("Catalogue of CBMs: already up to date, nothing changed.")
        return
    click.echo(f"Catalogue of CBMs: created {report.created or 'nothing'}; updated {report.updated or 'nothing'}.")
