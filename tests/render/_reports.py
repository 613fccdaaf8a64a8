"""Reports to look at in a browser and on paper: the sample, and a wide multi-channel one.

Both go through the real path: an export scanned by the `socialmon` CLI into a temporary
SQLite database, then the report computed by the library the CLI uses.
"""

from __future__ import annotations

import json
import shutil
from contextlib import AbstractContextManager
from pathlib import Path

from helpers import clean_environment
from typer.testing import CliRunner

from socialmon.analytics.results import BrandReport
from socialmon.cli import app
from socialmon.config import load_config
from socialmon.database import Database
from socialmon.render.i18n import Lang
from socialmon.report import build_reports

CONFIG = Path(__file__).resolve().parents[2] / "config"
SAMPLE_WINDOW = {"since": "2026-10-23", "until": "2026-11-21", "period": "week"}
SAMPLE_ANCHOR = "2026-11-21"  # what `today` means in the sample export's relative times
WIDE_WINDOW = {"since": "2026-11-02", "until": "2026-11-15", "period": "week"}
HOSTILE = (
    '<script>window.__pwned = 1; alert("x")</script><img src=x onerror="window.__pwned = 2; alert(2)">'
    " Pésimo servicio, nunca más 😡"
)
LONG_CHANNELS = (
    "instagram-panaderia-la-cosecha-sucursal-norte-quito",
    "facebook-panaderia-la-cosecha-matriz-guayaquil-centro",
    "resenas-google-la-cosecha",
)


def project_environment(config: Path) -> AbstractContextManager[None]:
    """The environment conftest.py's `clean_environ` gives a test, for the project of `config`: a
    module's fixture runs before that fixture, and without it the developer's SOCIALMON_* settings
    reached the scan and the report, which wrote the holiday cache under the developer's
    $XDG_CACHE_HOME."""
    return clean_environment(config.parent)


def scan(config: Path) -> None:
    with project_environment(config):
        result = CliRunner().invoke(app, ["scan", "-q", "--config", str(config)])
    assert result.exit_code == 0, result.output


Built = list[tuple[BrandReport, str | None]]  # each brand's report, and its holidays' country


def built(config: Path, window: dict[str, str]) -> Built:
    """The summary reports of `config` over `window`, as `socialmon report` computes them. They are
    the same in every language (only `Lang` differs) and rendering leaves them as they are, so a
    module computes them once and renders them as often as its tests need (see `in_language`)."""
    found = []
    with project_environment(config):
        loaded = load_config(config)
        database = Database(loaded.database_url(None))
        database.upgrade()
        for report in build_reports(database, loaded, view="summary", **window):
            brand = loaded.brand(report.slug)
            found.append((report, brand.business_hours.holidays if brand and brand.business_hours else None))
    return found


def in_language(found: Built, language: str | None = None) -> list[tuple[BrandReport, Lang]]:
    """Each report with its `Lang`: `language`, else the brand's own."""
    return [
        (report, Lang(language or report.language, country, report.timezone)) for report, country in found
    ]


def reports(
    config: Path, window: dict[str, str], language: str | None = None
) -> list[tuple[BrandReport, Lang]]:
    return in_language(built(config, window), language)


def sample(folder: Path) -> Path:
    """config/socialmon.toml's sample (Spanish, business hours, holidays in Ecuador), scanned."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("socialmon.toml", "sample-export.jsonl", "sample-whatsapp.txt"):
        shutil.copy(CONFIG / name, folder / name)
    # The sample's times are relative to the day of its first scan: pinned here to the Saturday
    # SAMPLE_WINDOW ends on, for the golden figures.
    config = folder / "socialmon.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        .replace('anchor = "saturday"', f'anchor = "{SAMPLE_ANCHOR}"')
        .replace('anchor = "saturday-', f'anchor = "{SAMPLE_ANCHOR}-'),
        encoding="utf-8",
    )
    scan(folder / "socialmon.toml")
    return folder / "socialmon.toml"


LONG_AUTHOR = "comercializadora_productos_agricolas_del_sur_ltda"
PERMALINK = (
    "https://www.facebook.com/permalink.php?story_fbid=pfbid0"
    + "Xy7Qk2" * 25
    + "&id=100064512345678&comment_id="
)


def _records(channel: int) -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    texts = (
        "¡Gracias! El pan de yuca estaba buenísimo 🥖😍 volveremos el fin de semana con toda la familia",
        "Excelente atención, el personal muy amable y todo fresco 👏",
        "La atención fue lenta y el pedido vino incompleto, muy mala experiencia",
        "¿Tienen opción sin gluten? Mi hija es celíaca y nos encantaría probar",
        HOSTILE,
        "Supercalifragilisticoespialidosamenteextraordinarioelpandeyucaconquesoymantequilla",
    )
    for day in range(2, 14, 3):
        pid = f"p{channel}-{day}"
        records.append(
            {
                "type": "post",
                "id": pid,
                "created_at": f"2026-11-{day:02d}T08:00:00-05:00",
                "author_id": "biz",
                "is_business": True,
                "text": "Promoción 2x1 en cafés 🎉 todos los lunes de noviembre, en todas nuestras sucursales "
                "del país — ¡los esperamos! " + "#pan " * 5,
                "url": f"https://example.com/{pid}",
                "like_count": 10 * day + channel,
            }
        )
        for n, text in enumerate(texts):
            cid = f"c{channel}-{day}-{n}"
            hour = 6 + 3 * n  # some before opening, some in business hours, some after closing
            records.append(
                {
                    "type": "comment",
                    "id": cid,
                    "post_id": pid,
                    "created_at": f"2026-11-{day:02d}T{hour:02d}:15:00-05:00",
                    "author_id": f"u{n}",
                    "author_name": LONG_AUTHOR if n == 3 else f"Cliente número {n} 🙂",
                    "is_business": False,
                    "text": text,
                    # A question, left waiting: a permalink as Facebook writes them, no space in 200 letters.
                    "url": PERMALINK + cid if n == 3 else f"https://example.com/{cid}",
                }
            )
            if n % 2 == 0:
                records.append(
                    {
                        "type": "reply",
                        "id": f"r{cid}",
                        "post_id": pid,
                        "parent_id": cid,
                        "created_at": f"2026-11-{day + 1:02d}T{hour:02d}:45:00-05:00",
                        "author_id": "biz",
                        "is_business": True,
                        "text": "¡Gracias por escribirnos! 🙌",
                    }
                )
    return records


def wide(folder: Path) -> Path:
    """Three channels with long names, business hours, Spanish, emoji and a hostile comment."""
    folder.mkdir(parents=True, exist_ok=True)
    channels = ""
    for index, name in enumerate(LONG_CHANNELS):
        path = folder / f"{index}.jsonl"
        path.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records(index)), encoding="utf-8"
        )
        channels += (
            f'[[brands.channels]]\nname = "{name}"\nplatform = "file"\npath = "{path.name}"\n'
            'business_authors = ["biz"]\n\n'
        )
    config = folder / "socialmon.toml"
    config.write_text(
        'database = "wide.db"\n\n[[brands]]\nname = "Panadería y Cafetería La Cosecha del Ecuador 🥖"\n'
        'slug = "cosecha"\ntimezone = "America/Guayaquil"\nlanguage = "es"\nresponse_sla = "2h"\n\n'
        "[brands.business_hours]\n"
        + "".join(f'{day} = "08:00-18:00"\n' for day in ("monday", "tuesday", "wednesday", "thursday"))
        + 'friday = "08:00-20:00"\nsaturday = "09:00-13:00"\nsunday = "closed"\nholidays = "EC"\n\n'
        + channels,
        encoding="utf-8",
    )
    scan(config)
    return config
