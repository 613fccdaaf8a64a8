"""A duration in the config is written with its unit ("4h", "30m", "1d"). A bare number was taken as
minutes: `response_sla = 4`, which an owner writes for 4 hours, passed `check` and every report
measured a 4-minute SLA. Now every duration field refuses a number without a unit, naming the file
and the field and offering both readings ("4h", "4m"), in the brand's language too."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pytest
from helpers import write_config
from pydantic import BaseModel
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.config import ConfigError, Settings, load_config

REPO = Path(__file__).resolve().parent.parent
SLA = 'response_sla = "2h"\n'

# Every duration the config takes: where it is written (a table appended to the brand, or the
# file's top), and the field as the problem names it.
BRAND_TABLES = {
    "alerts.negative_spike.window": "[brands.alerts.negative_spike]\nwindow = {value}\n",
    "alerts.negative_spike.cooldown": "[brands.alerts.negative_spike]\ncooldown = {value}\n",
    "alerts.waiting.sla": "[brands.alerts.waiting]\nsla = {value}\n",
    "alerts.waiting.lookback": "[brands.alerts.waiting]\nlookback = {value}\n",
    "alerts.watch_list.lookback": "[brands.alerts.watch_list]\nlookback = {value}\n",
    "alerts.heating_up.lookback": "[brands.alerts.heating_up]\nlookback = {value}\n",
    "alerts.heating_up.post_window": "[brands.alerts.heating_up]\npost_window = {value}\n",
    "alerts.reply_window.warn_before": "[brands.alerts.reply_window]\nwarn_before = {value}\n",
    "alerts.connector_trouble.token_expiry_warning": (
        "[brands.alerts.connector_trouble]\ntoken_expiry_warning = {value}\n"
    ),
}
TOP_TABLES = {
    "scan.every": "[scan]\nevery = {value}\n",
    "scan.channel_timeout": "[scan]\nchannel_timeout = {value}\n",
    "reports.conversation_gap": "[reports]\nconversation_gap = {value}\n",
}
BRAND_FIELDS = ("response_sla", "every")  # written in [[brands]] itself


def config_with(folder: Path, field: str, value: str) -> tuple[Path, str]:
    """A config whose `field` is written `value` (TOML), and the place its problem names."""
    if field in TOP_TABLES:
        return write_config(folder, extra=TOP_TABLES[field].format(value=value)), ""
    config = write_config(folder)
    text = config.read_text(encoding="utf-8")
    if field in BRAND_FIELDS:
        text = text.replace(
            SLA, f"{field} = {value}\n" if field == "response_sla" else f"{SLA}every = {value}\n"
        )
    elif field == "channel every":
        text += f"every = {value}\n"  # the last lines belong to the brand's one channel
    else:
        text += "\n" + BRAND_TABLES[field].format(value=value)
    config.write_text(text, encoding="utf-8")
    return config, "brand 'cafe', channel 'export', " if field == "channel every" else "brand 'cafe', "


def problems(config: Path) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load_config(config)
    return [str(problem) for problem in raised.value.problems]


def check(config: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", "--config", str(config)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, " ".join(result.output.split())


ALL_FIELDS = [*BRAND_FIELDS, "channel every", *BRAND_TABLES, *TOP_TABLES]


@pytest.mark.parametrize("field", ALL_FIELDS)
@pytest.mark.parametrize("value", ["4", '"4"'])
def test_a_number_without_a_unit_is_refused_naming_the_file_the_field_and_both_readings(
    tmp_path: Path, field: str, value: str
) -> None:
    config, where = config_with(tmp_path, field, value)
    name = field.removeprefix("channel ")
    written = "4" if value == "4" else "'4'"
    assert problems(config) == [
        f"{config.resolve()}: {where}field '{name}': {written} is a number without a unit, "
        "which versions before 2026-12 read as minutes: write '4m' to keep that, or '4h' for hours"
    ]


def test_check_refuses_a_bare_response_sla_said_in_the_brands_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's case: `check` said "all valid" and `report` printed "within SLA (4 min)"."""
    monkeypatch.delenv("SOCIALMON_LANG")
    monkeypatch.delenv("LANGUAGE")
    monkeypatch.setenv("LANG", "C.UTF-8")
    config, _where = config_with(tmp_path, "response_sla", "4")
    code, output = check(config)
    assert code == 2
    assert (
        f"{config.resolve()}: marca 'cafe', campo 'response_sla': 4 es un número sin unidad, que las "
        "versiones anteriores a 2026-12 leían como minutos: escriba '4m' para seguir así, o '4h' para horas"
    ) in output


def test_check_refuses_a_bare_response_sla_in_english(tmp_path: Path) -> None:
    config, _where = config_with(tmp_path, "response_sla", "1.5")
    code, output = check(config)
    assert code == 2
    assert (
        "field 'response_sla': 1.5 is a number without a unit, which versions before 2026-12 read as "
        "minutes: write '1.5m' to keep that, or '1.5h' for hours" in (output)
    )


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("30", "30 is a number without a unit: write '30m'"),  # "30h" divides no day: not offered
        ("24", "24 is a number without a unit: write '24h'"),
        (
            "7",
            "7 is a number without a unit: write it with one, e.g. '15s', '10m', '30m', '1h', '6h', '1d' "
            "(a period that divides a minute, an hour or a day)",
        ),
    ],
)
def test_a_bare_schedule_offers_only_the_readings_a_schedule_can_keep(
    tmp_path: Path, value: str, said: str
) -> None:
    config, _where = config_with(tmp_path, "scan.every", value)
    assert problems(config) == [f"{config.resolve()}: field 'scan.every': {said}"]


@pytest.mark.parametrize(
    ("field", "value"), [("response_sla", "0"), ("response_sla", "-3"), ("every", '"0s"')]
)
def test_a_duration_of_nothing_is_refused_as_too_short(tmp_path: Path, field: str, value: str) -> None:
    """(`every = "0s"` ended `check` with a ZeroDivisionError's traceback.)"""
    config, _where = config_with(tmp_path, field, value)
    assert problems(config) == [
        f"{config.resolve()}: brand 'cafe', field '{field}': must be longer than zero"
    ]


@pytest.mark.parametrize(
    ("field", "value", "minutes"),
    [
        ("response_sla", '"4h"', 240),
        ("response_sla", '"90m"', 90),
        ("response_sla", '"45min"', 45),
        ("alerts.waiting.sla", '"1d"', 1440),
        ("scan.every", '"15s"', 0.25),
        ("scan.every", '"off"', 0),
        ("scan.channel_timeout", '"30m"', 30),
        ("reports.conversation_gap", '"off"', None),
    ],
)
def test_durations_with_their_unit_still_load(
    tmp_path: Path, field: str, value: str, minutes: float | None
) -> None:
    config, _where = config_with(tmp_path, field, value)
    loaded = load_config(config).settings
    read: dict[str, Any] = {
        "response_sla": loaded.brands[0].response_sla,
        "alerts.waiting.sla": loaded.brands[0].alerts.waiting.sla,
        "scan.every": loaded.scan.every,
        "scan.channel_timeout": loaded.scan.channel_timeout,
        "reports.conversation_gap": loaded.reports.conversation_gap,
    }
    assert read[field] == minutes


def test_the_sample_config_loads_with_its_durations() -> None:
    assert load_config(REPO / "config" / "socialmon.toml").brands[0].response_sla == 240


def test_the_readme_promises_no_bare_number_for_a_duration() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "a number of minutes" not in readme


def _number_fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    """The fields holding a float anywhere below `model` (the config's durations are all floats)."""
    found: set[str] = set()
    for name, info in model.model_fields.items():
        annotation = info.annotation
        inner = [annotation, *typing.get_args(annotation)]
        for candidate in inner:
            for arg in [candidate, *typing.get_args(candidate)]:
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    found |= _number_fields(arg, f"{prefix}{name}.")
        if float in inner:
            found.add(f"{prefix}{name}")
    return found


def test_every_number_field_of_the_config_is_a_duration_tested_here_or_a_known_other() -> None:
    """A duration added later is tested with the others (or this list says why it is not one)."""
    not_durations = {
        "brands.alerts.negative_spike.k",  # standard deviations
        "brands.alerts.heating_up.min_rate",  # likes and replies per hour
        # Seconds, as the connectors' timeouts are (`timeout = 30`): a number there is the
        # README's unit, not a guess between minutes and hours.
        "smtp.timeout",
        "brands.alerts.email.timeout",
        "brands.alerts.webhooks.timeout",
    }
    tested = (
        {f"brands.{field}" for field in [*BRAND_FIELDS, *BRAND_TABLES]}
        | set(TOP_TABLES)
        | {"brands.channels.every"}
    )
    assert _number_fields(Settings) == tested | not_durations


@pytest.mark.parametrize("field", ["scan.every", "response_sla", "alerts.waiting.sla"])
@pytest.mark.parametrize("value", ["inf", "-inf", "nan"])
def test_toml_infinity_and_nan_are_no_duration(tmp_path: Path, field: str, value: str) -> None:
    """TOML's own float literals: `every = inf` crashed `check` with an OverflowError traceback."""
    config, where = config_with(tmp_path, field, value)
    assert problems(config) == [
        f"{config.resolve()}: {where}field '{field}': {value} is not a duration; write e.g. '30m', '2h' or '1d'"
    ]
