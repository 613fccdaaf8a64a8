"""Configs as people get them wrong, through the real commands: a typo in a key (with the key
meant), a key written below the wrong [table], one bracket where TOML wants two, a secret's
`${ENV}` reference written wrong, a `${ENV}` in `database`, a file saved as UTF-16 or
Windows-1252, a folder given for the file, a brand's slug or a channel's name named as the field
it is. Each is one line naming the file and the field, in the brand's language when it is known."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import comment, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.config import ConfigError, load_config
from socialmon.plugins import default_registry

FB_CHANNEL = (
    '[[brands.channels]]\nname = "fb"\nplatform = "facebook"\naccount = "123"\naccess_token = "{token}"\n'
)


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")


@pytest.fixture
def spanish_brand(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No $SOCIALMON_LANG and an English-less locale: the config's brand (Spanish) decides."""
    monkeypatch.delenv("SOCIALMON_LANG", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return monkeypatch


def check(config: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", "--config", str(config)])
    assert "Traceback" not in result.output
    return result.exit_code, " ".join(result.output.split())


def problems(config: Path) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load_config(config, default_registry())
    return [str(problem) for problem in raised.value.problems]


def edited(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


# --- unknown keys: the key meant --------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field", "meant"),
    [
        ('timezone = "America/Guayaquil"', 'timezon = "America/Guayaquil"', "timezon", "timezone"),
        ('response_sla = "2h"', 'respone_sla = "2h"', "respone_sla", "response_sla"),
        ('database = "socialmon.db"', 'databse = "socialmon.db"', "databse", "database"),
    ],
)
def test_a_misspelt_key_names_the_key_meant(
    tmp_path: Path, old: str, new: str, field: str, meant: str
) -> None:
    config = edited(write_config(tmp_path), old, new)
    code, output = check(config)
    assert code == 2
    assert f"field '{field}': unknown option (check the spelling); did you mean '{meant}'?" in output


def test_a_misspelt_table_and_a_spanish_weekday_name_the_key_meant(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[brands.busines_hours]\nmonday = "09:00-18:00"\n',
        encoding="utf-8",
    )
    assert any(
        "field 'busines_hours': unknown option (check the spelling); did you mean 'business_hours'?" in p
        for p in problems(config)
    )
    config = edited(config, "[brands.busines_hours]\nmonday", "[brands.business_hours]\nlunes")
    assert any(
        "field 'business_hours.lunes': unknown option (check the spelling); did you mean 'monday'?" in p
        for p in problems(config)
    )


def test_a_misspelt_channel_option_names_the_connectors_option(tmp_path: Path) -> None:
    config = write_config(
        tmp_path, channels=FB_CHANNEL.replace("access_token", "acces_token").format(token="x")
    )
    code, output = check(config)
    assert code == 2
    assert (
        "channel 'fb', field 'acces_token': unknown option (check the spelling); did you mean 'access_token'?"
        in output
    )


def test_a_key_below_the_wrong_table_says_where_it_belongs(tmp_path: Path) -> None:
    """TOML puts every line after a [table] line in that table: `database` written after [scan],
    or a brand's `language` after its [brands.business_hours], is not a typo."""
    config = write_config(tmp_path)
    text = config.read_text(encoding="utf-8").replace('database = "socialmon.db"\n', "")
    config.write_text('[scan]\nconcurrency = 4\ndatabase = "socialmon.db"\n' + text, encoding="utf-8")
    assert any(
        "field 'scan.database': unknown option (check the spelling); 'database' belongs at the top of the file"
        in p
        for p in problems(config)
    )
    config = write_config(tmp_path, channels="")
    config.write_text(
        config.read_text(encoding="utf-8")
        + '[brands.business_hours]\nmonday = "09:00-18:00"\nresponse_sla = "4h"\n',
        encoding="utf-8",
    )
    config = edited(config, 'response_sla = "2h"\n', "")
    assert any(
        "field 'business_hours.response_sla': unknown option (check the spelling); 'response_sla' belongs to "
        "[[brands]]: move it above the [brands.business_hours] line" in p
        for p in problems(config)
    )


def test_one_bracket_for_a_list_of_tables_says_two(tmp_path: Path) -> None:
    config = edited(write_config(tmp_path), "[[brands.channels]]", "[brands.channels]")
    code, output = check(config)
    assert code == 2
    assert (
        "field 'channels': a list of tables: write each as [[brands.channels]], with two brackets" in output
    )


def test_an_unknown_platform_names_the_platform_meant(tmp_path: Path) -> None:
    config = edited(write_config(tmp_path), 'platform = "file"', 'platform = "File"')
    code, output = check(config)
    assert code == 2
    assert "field 'platform': unknown platform 'File'; did you mean 'file'?" in output


def test_a_time_zone_in_another_case_or_with_a_space_names_the_zone_meant(tmp_path: Path) -> None:
    config = edited(write_config(tmp_path), "America/Guayaquil", "america/mexico city")
    code, output = check(config)
    assert code == 2
    assert (
        "field 'timezone': unknown time zone 'america/mexico city'; did you mean 'America/Mexico_City'?"
        in output
    )


# --- the field a brand's or channel's own rule is about ----------------------------------------


def test_a_bad_slug_and_a_duplicate_channel_name_their_field(tmp_path: Path) -> None:
    config = edited(write_config(tmp_path), 'slug = "cafe"', 'slug = "Café"')
    assert any("field 'slug': slug 'Café' may only use" in p for p in problems(config))
    export = '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n'
    config = write_config(tmp_path, channels=export + export)
    assert any(
        "channel 'export', field 'name': two channels are named 'export'" in p for p in problems(config)
    )


def test_two_brands_with_one_slug_name_the_second_brand_and_its_slug(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[[brands]]\nname = "Otro café"\nslug = "cafe"\nlanguage = "es"\n',
        encoding="utf-8",
    )
    assert problems(config) == [
        f"{config.resolve()}: brand 'cafe', field 'slug': two brands share the slug 'cafe'; give each a distinct 'slug'"
    ]


# --- secrets: a reference written wrong is not the secret --------------------------------------


@pytest.mark.parametrize("written", ["${FB_TOKEN", "${ FB_TOKEN }", "$FB_TOKEN", "%FB_TOKEN%"])
def test_a_reference_written_wrong_is_a_problem_not_the_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str
) -> None:
    """Before, `check` said "all valid" and the scan sent the text itself as the token."""
    monkeypatch.setenv("FB_TOKEN", "a-real-token")
    config = write_config(tmp_path, channels=FB_CHANNEL.format(token=written))
    code, output = check(config)
    assert code == 2
    assert (
        f"field 'access_token': '{written.strip()}' is not read from the environment: write '${{FB_TOKEN}}'"
        in output
    )


def test_secrets_that_look_like_references_are_taken_as_written(tmp_path: Path) -> None:
    """Only a variable the environment holds makes "$NAME" or "${NAME" a reference written wrong: a
    token or password shaped so ("%Verano2024%", "x9${Lm2!q&Z", "$PX7QK2M9") was refused, and the
    refusal quoted it."""
    for token in ("%Verano2024%", "x9${Lm2!q&Z", "$PX7QK2M9", "${fb-token}"):
        config = write_config(tmp_path, channels=FB_CHANNEL.format(token=token))
        code, output = check(config)
        assert code == 0, (token, output)
        assert token not in output


def test_a_right_reference_and_a_dollar_inside_a_value_are_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FB_TOKEN", "a-real-token")
    for token in ("${FB_TOKEN}", "pa$$word", "Bearer ${FB_TOKEN}"):
        config = write_config(tmp_path, channels=FB_CHANNEL.format(token=token))
        assert check(config)[0] == 0, token


# --- the database ---------------------------------------------------------------------------


def test_an_unset_variable_in_database_is_a_problem_not_a_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, `scan` created a SQLite file literally called '${DB_FILE}' beside the config."""
    write_jsonl(tmp_path / "export.jsonl", [post("p1", author_id="biz"), comment("c1", text="Rico")])
    config = write_config(tmp_path, database="${DB_FILE}")
    result = CliRunner().invoke(app, ["scan", "-q", "--config", str(config)])
    assert result.exit_code == 2, result.output
    assert "field 'database': environment variable DB_FILE is not set" in " ".join(result.output.split())
    assert not (tmp_path / "${DB_FILE}").exists()
    monkeypatch.setenv("DB_FILE", "shop.db")
    result = CliRunner().invoke(app, ["scan", "-q", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "shop.db").exists()
    assert not (tmp_path / "${DB_FILE}").exists()


# --- the file itself --------------------------------------------------------------------------


def test_a_file_saved_as_utf16_with_its_mark_is_read(tmp_path: Path) -> None:
    """Notepad's "Unicode": the byte-order mark says the encoding beyond doubt."""
    config = write_config(tmp_path)
    config.write_bytes(config.read_text(encoding="utf-8").encode("utf-16"))
    assert [brand.name for brand in load_config(config).brands] == ["Café Uno"]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16-le"])
def test_a_file_in_another_encoding_names_the_line_and_the_fix_in_the_brands_language(
    tmp_path: Path, spanish_brand: pytest.MonkeyPatch, encoding: str
) -> None:
    config = write_config(tmp_path)
    config.write_bytes(config.read_text(encoding="utf-8").encode(encoding))
    code, output = check(config)
    assert code == 2
    line = 1 if encoding == "utf-16-le" else 4  # the first zero byte; the line of "Café"
    assert f"la línea {line} no es texto UTF-8: guarde el archivo como UTF-8" in output
    assert "codec" not in output


def test_a_folder_given_for_the_config_names_the_file_to_give(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check"], env={"SOCIALMON_CONFIG": str(tmp_path)})
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert f"a folder, not a config file: give the file, e.g. {tmp_path / 'socialmon.toml'}" in output
    assert "Errno" not in output


def test_a_toml_mistake_is_said_in_the_language_the_file_writes(
    tmp_path: Path, spanish_brand: pytest.MonkeyPatch
) -> None:
    config = edited(write_config(tmp_path), 'slug = "cafe"', 'slug = "cafe')
    code, output = check(config)
    assert code == 2
    assert "TOML no válido en la línea" in output


def test_a_misspelt_key_is_said_in_spanish(tmp_path: Path, spanish_brand: pytest.MonkeyPatch) -> None:
    config = edited(write_config(tmp_path), "timezone =", "timezon =")
    code, output = check(config)
    assert code == 2
    assert (
        "campo 'timezon': opción desconocida (revise cómo está escrita); ¿quiso decir 'timezone'?" in output
    )
