"""`flask site check`: every site-health check (links, columns, replies), as the worker loop runs it
daily (PORTAL_SITE_CHECK_HOURS); cron can run it instead: `30 2 * * * flask --app wsgi site check`."""

import click
from flask.cli import AppGroup

from portal.sitehealth import links, service

site_group = AppGroup("site", help="Site health: link checks, column deadlines, reply limits.")


@site_group.command("check", help="Check every link, e-mail the editors about columns going stale, escalate "
                                  "late replies; the results show on /<lang>/staff/site-health.")
@click.option("--internal-only", is_flag=True, help="Do not fetch external addresses (no network).")
def check_command(internal_only):
    run, columns_sent, escalated = service.run_checks(external=not internal_only)
    broken = [row for row in service.link_rows(run) if row.outcome not in links.NOT_BROKEN]
    for row in broken:
        pages = ", ".join(page for page, _title in row.pages[:3])
        click.echo(f"{row.outcome}: {row.url} ({row.status or row.detail}) on {pages}")
    for state in service.column_states():
        if state.status != "ok":
            click.echo(f"column {state.column.kind}: {state.status}"
                       + (f" ({state.days_left} days left)" if state.days_left is not None else ""))
    for page, findings in service.word_findings():
        for finding in findings:
            click.echo(f"word ({finding.term.level}): {finding.term.term!r} in {page.path} ({finding.where})")
    click.echo(f"{run.checked} addresses checked, {run.broken} broken; {len(columns_sent)} column e-mail(s), "
               f"{escalated} reply escalation(s)")
