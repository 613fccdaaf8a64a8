"""`socialmon check` lists every mistake of a config in one run. It said them one kind at a time:
the brands' fields first, then (once those were mended) two brands sharing a slug, then a
misspelt platform, then the channels' own settings: a consultant's file took four rounds."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.config import ConfigError, load_config
from socialmon.plugins import default_registry

BROKEN_BRANDS = """database = "socialmon.db"

[[brands]]
name = "Café"
slug = "cafe"
timezone = "Mars/Olympus"

[[brands.channels]]
name = "page"
platform = "facebok"
account = "1"

[[brands]]
name = "Café Norte"
slug = "cafe"
language = "xx"

[[brands.channels]]
name = "export"
platform = "file"
"""


def check(config: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["check", "--config", str(config)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [" ".join(line.split()) for line in result.output.splitlines() if line.strip()]
    return result.exit_code, lines


def written(folder: Path, text: str) -> Path:
    path = folder / "socialmon.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_brand_fields_a_shared_slug_and_a_misspelt_platform_are_said_in_one_run(tmp_path: Path) -> None:
    code, lines = check(written(tmp_path, BROKEN_BRANDS))
    assert code == 2
    said = "\n".join(lines)
    assert "brand 'cafe', field 'timezone': unknown time zone 'Mars/Olympus'" in said
    assert "brand 'cafe', field 'language':" in said
    assert "brand 'cafe', field 'slug': two brands share the slug 'cafe'" in said
    assert (
        "brand 'cafe', channel 'page', field 'platform': unknown platform 'facebok'; did you mean 'facebook'?"
        in said
    )
    # The channel's own settings too, from a stand-in for the brands that do not validate (the
    # second brand's shared slug left out, its slug is its name's).
    assert "brand 'cafe-norte', channel 'export', field 'path': required but missing" in said
    assert all(line.startswith("config error:") for line in lines[:4]), lines
    assert len(lines) == 5, lines  # each once


def test_load_config_refuses_a_file_with_every_problem_it_shows(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(written(tmp_path, BROKEN_BRANDS), default_registry())
    fields = sorted(problem.field for problem in refused.value.problems)
    assert fields == ["language", "platform", "slug", "timezone"]
    # Without connectors (a report reads no channel) no platform is judged.
    with pytest.raises(ConfigError) as refused:
        load_config(written(tmp_path, BROKEN_BRANDS))
    assert sorted(problem.field for problem in refused.value.problems) == ["language", "slug", "timezone"]


def test_a_platform_the_file_gets_wrong_in_its_type_is_said_once(tmp_path: Path) -> None:
    text = BROKEN_BRANDS.replace('platform = "facebok"', "platform = 3")
    with pytest.raises(ConfigError) as refused:
        load_config(written(tmp_path, text), default_registry())
    assert [problem.field for problem in refused.value.problems].count("platform") == 1


def test_a_misspelt_platform_and_a_channels_missing_setting_are_said_together(tmp_path: Path) -> None:
    text = BROKEN_BRANDS.replace("Mars/Olympus", "America/Lima").replace('"xx"', '"es"')
    text = text.replace('slug = "cafe"\nlanguage', 'slug = "norte"\nlanguage')
    code, lines = check(written(tmp_path, text))
    assert code == 2
    platform = [line for line in lines if "field 'platform'" in line]
    path = [line for line in lines if "field 'path'" in line]
    assert len(platform) == 1 and platform[0].startswith("config error:"), lines
    assert "brand 'cafe', channel 'page'" in platform[0]
    assert (
        len(path) == 1 and path[0].startswith("problem:") and "brand 'norte', channel 'export'" in path[0]
    ), lines
    assert not any("all valid" in line for line in lines)


def test_a_database_naming_an_unset_variable_is_said_with_the_channels_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOCIALMON_TEST_UNSET_PASSWORD", raising=False)
    text = BROKEN_BRANDS.replace("Mars/Olympus", "America/Lima").replace('"xx"', '"es"')
    text = text.replace('slug = "cafe"\nlanguage', 'slug = "norte"\nlanguage')
    text = text.replace('platform = "facebok"', 'platform = "facebook"').replace(
        'database = "socialmon.db"',
        'database = "postgresql://socialmon:${SOCIALMON_TEST_UNSET_PASSWORD}@127.0.0.1:1/socialmon"',
    )
    code, lines = check(written(tmp_path, text))
    assert code == 2
    assert any(line.startswith("config error:") and "field 'database'" in line for line in lines), lines
    assert any("field 'path'" in line for line in lines), lines
    assert not any("cannot open the database" in line for line in lines), lines  # no URL was opened


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ('name = "Café"', 'name = "Café"\nslug = 3'),
        ('name = ""', 'name = ""'),
    ],
    ids=["a slug of the wrong type", "empty names"],
)
def test_no_shared_slug_is_claimed_for_a_slug_nobody_wrote(tmp_path: Path, first: str, second: str) -> None:
    text = f'database = "socialmon.db"\n\n[[brands]]\n{first}\n\n[[brands]]\n{second}\n'
    with pytest.raises(ConfigError) as refused:
        load_config(written(tmp_path, text), default_registry())
    assert refused.value.problems  # the wrong slug or name is said
    assert not any("share the slug" in problem.message for problem in refused.value.problems)
