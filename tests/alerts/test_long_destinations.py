"""Deliveries to a long e-mail address or a long webhook name are recorded on every database.

Each recipient's deliveries are recorded under `email:` and its mailbox (`alert_delivery.destination`),
and an address may be 254 characters (RFC 5321 4.5.3.1.3). The column held 100: on PostgreSQL an
address longer than 94 characters stopped `alerts send` with "value too long for type character
varying(100)" before anything was sent, for every recipient and webhook of the brand, at every run
(SQLite stored it, as it stores any length). A webhook's name, chosen in the config, had no limit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alerts.helpers_alerts import NOW, alerts
from alerts.servers import HookServer, SmtpServer
from alerts.test_delivery import angry_customer, write
from alerts.test_delivery_real_answers import mail_config
from analytics.seeding import Seed, seed
from sqlalchemy import select

from socialmon.alerts import send_alerts, store
from socialmon.config import ConfigError, WebhookDestination
from socialmon.database import Database
from socialmon.models import AlertDelivery
from socialmon.tables import ALERT_DELIVERY

__all__ = ["seed"]

MANAGER = "g@cafe.example"
# 254 characters, the longest address RFC 5321 allows: a 64-character local part (its most) at a domain of
# 63-character labels.
LONG_ADDRESS = "reclamos.y.sugerencias.de.clientes.sucursal.centro.quito.ecuador@" + ".".join(
    ["atencion-al-cliente-de-la-cafeteria-uno-en-la-ciudad-de-quito-a", "b" * 60, "c" * 56, "example"]
)
PREVIOUS_HEAD = "0013_unlabelled_blank_texts"


def destinations(database: Database) -> dict[str, bool]:
    """Each recorded destination and whether it was sent."""
    with database.read() as connection:
        rows = connection.execute(select(ALERT_DELIVERY.c.destination, ALERT_DELIVERY.c.sent_at)).all()
    return {row.destination: row.sent_at is not None for row in rows}


def test_the_long_address_is_the_longest_an_address_may_be() -> None:
    local, domain = LONG_ADDRESS.split("@")
    assert len(LONG_ADDRESS) == 254 and len(local) == 64 and max(map(len, domain.split("."))) == 63


def test_a_recipient_with_an_address_of_254_characters_gets_its_alerts_once(
    seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    config = mail_config(tmp_path, smtp.port, to=[MANAGER, LONG_ADDRESS])
    angry_customer(seed, config)

    result = send_alerts(seed.database, config, config.brands, now=NOW)

    assert result.failed == [] and [sorted(to) for _, to in smtp.envelopes] == [
        sorted([MANAGER, LONG_ADDRESS])
    ]
    assert destinations(seed.database) == {f"email:{MANAGER}": True, f"email:{LONG_ADDRESS}": True}
    assert all(alert["sent_at"] is not None for alert in alerts(seed.database))
    assert send_alerts(seed.database, config, config.brands, now=NOW).deliveries == []
    assert len(smtp.envelopes) == 1


def test_a_webhook_name_as_long_as_the_config_accepts_is_recorded(
    seed: Seed, hooks: HookServer, tmp_path: Path
) -> None:
    name = "n" * WebhookDestination.model_fields["name"].metadata[0].max_length
    config = write(
        tmp_path, f'[[brands.alerts.webhooks]]\nkind = "slack"\nurl = "${{HOOKS}}/s"\nname = "{name}"\n'
    )
    angry_customer(seed, config)

    result = send_alerts(seed.database, config, config.brands, now=NOW, environ={"HOOKS": hooks.base})

    assert result.failed == [] and len(hooks.bodies("/s")) == 1
    assert destinations(seed.database) == {name: True}


def test_a_webhook_name_longer_than_a_destination_holds_is_refused_naming_file_and_field(
    tmp_path: Path,
) -> None:
    long_name = "n" * (ALERT_DELIVERY.c.destination.type.length + 1)
    with pytest.raises(ConfigError) as raised:
        write(
            tmp_path,
            f'[[brands.alerts.webhooks]]\nkind = "slack"\nurl = "https://x.example/s"\nname = "{long_name}"\n',
        )
    (problem,) = raised.value.problems
    assert problem.path == tmp_path / "socialmon.toml"
    assert (problem.where, problem.field) == ("brand 'cafe'", "alerts.webhooks.0.name")
    assert "at most" in problem.message


def test_the_column_holds_every_address_and_every_name_the_config_accepts() -> None:
    model_length = AlertDelivery.__table__.c.destination.type.length
    name_limit = WebhookDestination.model_fields["name"].metadata[0].max_length
    assert ALERT_DELIVERY.c.destination.type.length == model_length == name_limit >= len("email:") + 254


def test_a_database_at_the_previous_revision_upgrades_keeping_its_deliveries(
    database_url: str, smtp: SmtpServer, tmp_path: Path
) -> None:
    """The previous version mailed the alerts to the manager, Slack failing; after the upgrade the
    config lists the long address instead of Slack: it gets them, the manager not again."""
    from alembic import command

    database = Database(database_url)
    try:
        # The alerts are raised by today's rules (they read columns later revisions added), then the
        # schema goes back to the revision before, where the old deliveries are recorded.
        database.upgrade()
        config = mail_config(tmp_path, smtp.port, to=[MANAGER])
        angry_customer(Seed(database), config)
        ids = [alert["id"] for alert in alerts(database)]
        with database.write() as connection:
            command.downgrade(database._alembic_config(connection), PREVIOUS_HEAD)
        assert store.claim(database, ids, f"email:{MANAGER}", "old-run", 50) == ids
        store.mark_delivered(database, ids, f"email:{MANAGER}", "old-run", [f"email:{MANAGER}", "slack"])

        before = database.upgrade()

        assert before is not None and before.current == PREVIOUS_HEAD and database.schema_status().up_to_date
        assert destinations(database) == {f"email:{MANAGER}": True}
        config = mail_config(tmp_path, smtp.port, to=[MANAGER, LONG_ADDRESS])
        result = send_alerts(database, config, config.brands, now=NOW)
        assert result.failed == [] and [to for _, to in smtp.envelopes] == [[LONG_ADDRESS]]
        assert all(alert["sent_at"] is not None for alert in alerts(database))
        assert destinations(database) == {f"email:{MANAGER}": True, f"email:{LONG_ADDRESS}": True}
    finally:
        database.dispose()
