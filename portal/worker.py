"""`flask worker`: the background loop each host runs beside its web server (`make run` starts and
supervises both, portal/serve.py; worker hosts of a scale-out run it alone).

For now the loop is the outbox's: deliver queued e-mails, with the service clock's escalations
riding along, exactly what `flask outbox worker` runs (which stays, as an alias). What the loop
runs belongs to the features; this command is the one name a host starts, so the supervisor and
the deployment never need to know what is inside.
"""

import click
from flask import current_app


def init_app(app):
    app.cli.add_command(worker_command)


@click.command("worker", help="Run the background loop: deliver queued e-mails and run the service clock.")
@click.option("--interval", type=float, default=5.0, show_default=True, help="Seconds to wait when idle.")
@click.pass_context
def worker_command(ctx, interval):
    # One copy of the loop: the outbox group's command, invoked as it is.
    outbox_worker = current_app.cli.get_command(ctx, "outbox").get_command(ctx, "worker")
    ctx.invoke(outbox_worker, interval=interval)
