"""未诉先办: signals over new tickets and questions (volume spikes, same-event clusters, rising topics),
the alerts they raise, and the media seat's pages (/staff/insight).

Modules: models (facts, running counts, alerts), params (thresholds), areas (district/street/grid and
place of a ticket), tails (the small-count test), facts (incremental ingest), signals, clusters, rising,
alerts, detect (one run), jobs, simulate (+ simulate_data), cli, demo, views (+ briefing, seat).
"""


def init_app(app) -> None:
    """Tables, the detection job, the CLI group, the demo loader and the media seat's pages."""
    from stats.insight import cli, demo, jobs, models  # noqa: F401 - tables, job and demo loader register
    from stats.insight.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli.group)
