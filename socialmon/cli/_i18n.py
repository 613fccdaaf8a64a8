"""The language the CLI speaks: its messages, table headers and `--help`, in English, Spanish or
Brazilian Portuguese (the reports' and the alerts' three languages, in their words).

The words come from gettext catalogues in `socialmon/locale` (written with Babel: see
`socialmon/locale/README.md`). A command speaks, the first that applies:

1. its `--lang` option (report, pending, try, init);
2. `$SOCIALMON_LANG` (en, es or pt), the user's standing choice;
3. the brand's `language` when the command works on one brand, or on brands that all share one;
4. the locale: the first of `$LC_ALL`, `$LC_MESSAGES`, `$LANG` that is set (es_EC.UTF-8 → es,
   pt_BR.UTF-8 → pt);
5. English.

`--help` is written before any config is read, so it follows 2, 4 and 5.

Loading stays cheap: in English no catalogue is read; in Spanish or Portuguese the one `.mo` file
is read on the first message. `gettext` itself is loaded by typer already.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gettext import NullTranslations

    from socialmon.config import Config

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"
LANGUAGES = ("en", "es", "pt")  # the languages with a catalogue (English is the source text)

_catalogues: dict[str, NullTranslations] = {}
_chrome_bound = False  # typer's and click's own words ("Usage", "Options") follow ours


def _catalogue(language: str) -> NullTranslations:
    found = _catalogues.get(language)
    if found is None:
        import gettext

        found = _catalogues[language] = gettext.translation(
            DOMAIN, LOCALE_DIR, languages=[language], fallback=True
        )
    return found


def language_code(value: str) -> str:
    """The language of a locale or language tag: "es_EC.UTF-8" → "es", "pt-BR" → "pt", "C" → "c"."""
    return value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()


def known(value: str | None) -> str | None:
    """`value` as a language with a catalogue ("es", "es_EC.UTF-8" → "es", "pt_BR" → "pt"), or None."""
    if not value:
        return None
    code = language_code(value)
    return code if code in LANGUAGES else None


def locale() -> str | None:
    """The locale the environment sets: the first of LC_ALL, LC_MESSAGES, LANG that is set."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return value
    return None


def locale_language() -> str:
    """The locale's language when the CLI speaks it, else English."""
    return known(locale()) or DEFAULT


def environment_language() -> str:
    """The language before a config is read: $SOCIALMON_LANG, else the locale."""
    return known(os.environ.get("SOCIALMON_LANG")) or locale_language()


_current = environment_language()


def current() -> str:
    return _current


def use(language: str | None) -> str:
    """Speak `language` from now on (an unknown one is English); returns the one chosen."""
    global _current, _chrome_bound
    _current = known(language) or DEFAULT
    if _current != DEFAULT or _chrome_bound:
        # typer and click call gettext.gettext, which reads the "messages" domain in the
        # language $LANGUAGE names: point both at this catalogue and this language.
        import gettext

        if not _chrome_bound:
            gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
            _chrome_bound = True
        os.environ["LANGUAGE"] = _current
    return _current


def use_environment() -> str:
    """Back to the language before a config is read (each command starts there)."""
    return use(environment_language())


def use_for(config: Config, brand: str | None = None, override: str | None = None) -> str:
    """Speak the language for a command on `config`'s brands (or its one `brand`), `override`
    being its --lang: see the module's docstring for the order."""
    chosen = known(override) or known(os.environ.get("SOCIALMON_LANG"))
    if chosen is None:
        # An unknown --brand is said in the language all the brands share, if they do.
        brands = (config.brands_named(brand) if brand else []) or list(config.brands)
        spoken = {b.language for b in brands}
        if len(spoken) == 1:
            chosen = known(spoken.pop())
    return use(chosen or locale_language())


def _(message: str) -> str:
    """`message` in the current language (English is the message itself)."""
    if _current == DEFAULT:
        return message
    return _catalogue(_current).gettext(message)


def N_(message: str) -> str:
    """`message` as it is, marked for the catalogue: said later with `_(message)`."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """`singular` or `plural`, as `n` asks, in the current language."""
    if _current == DEFAULT:
        return singular if n == 1 else plural
    return _catalogue(_current).ngettext(singular, plural, n)


def count(n: int) -> str:
    """A count as the current language writes it: "296,105" in English, "296.105" in Spanish and in
    Portuguese, as the reports write numbers (Babel, loaded only for counts that need a separator)."""
    if _current == DEFAULT or abs(n) < 1000:
        return f"{n:,}"
    from babel.numbers import format_decimal

    return format_decimal(n, locale=_current)


def hide_type_tags() -> None:
    """`--help` without typer's raw type tags (`<bool>`, `<str>`, `<int range>`, `<file>`): an
    option's help says what it takes. A choice still shows its values (table|json|csv), and an
    explicit `metavar` is kept. Older typers (which printed no tags) are left as they are."""
    from typer import core

    base = getattr(core, "_TyperParameter", None)
    shown = getattr(base, "display_type", None)
    if base is None or shown is None or getattr(base, "_socialmon_plain", False):
        return

    def display_type_rich(self, ctx):  # type: ignore[no-untyped-def]
        if self.metavar is not None:
            return self.metavar or None
        descriptor = getattr(self, "type_descriptor", None)
        if descriptor is not None and descriptor.is_choice:
            return shown(self, ctx).strip("<>")
        return None

    for cls in (base, getattr(core, "TyperOption", None), getattr(core, "TyperArgument", None)):
        if cls is not None and "display_type_rich" in vars(cls):
            cls.display_type_rich = display_type_rich
    base._socialmon_plain = True

    # The --help option's own help, in the CLI's language (typer's click writes it in English).
    command = getattr(getattr(core, "_click", None), "core", None)
    command = getattr(command, "Command", None)
    help_option = getattr(command, "get_help_option", None)
    if help_option is not None:

        def get_help_option(self, ctx):  # type: ignore[no-untyped-def]
            option = help_option(self, ctx)
            if option is not None:
                option.help = _("Show this message and exit.")
            return option

        command.get_help_option = get_help_option


def plain_value_errors() -> None:
    """A refused option value said plainly: "'xml' is not one of 'table', 'json', …", without the
    "Value error, " newer typers put before it (they check values with pydantic, which names the
    kind of error). Older typers, whose click writes its own message, are left as they are."""
    import importlib

    for name in ("typer._coercion", "typer._param_types"):  # (already loaded by typer)
        try:
            module = importlib.import_module(name)
        except ImportError:  # an older typer
            continue
        shown = getattr(module, "get_error_msg", None)
        if shown is None or getattr(shown, "_socialmon_plain", False):
            continue

        def get_error_msg(exc, shown=shown):  # type: ignore[no-untyped-def]
            return shown(exc).removeprefix("Value error, ")

        get_error_msg._socialmon_plain = True  # type: ignore[attr-defined]
        module.get_error_msg = get_error_msg


def usage_errors_in_language() -> None:
    """Usage errors (an unknown option, a bad value, a missing argument) in the CLI's language.

    typer's click writes most of them as English f-strings, not through gettext, so the finished
    message is matched against the shapes it has and said again from this catalogue; one that
    matches none is left as it is. The usage line's "Usage:" likewise.
    """
    try:  # typer 0.2x vendors click; older typers use click itself
        from typer._click import core, exceptions
    except ImportError:
        from click import core, exceptions  # type: ignore[no-redef]

    if getattr(exceptions.UsageError, "_socialmon_spoken", False):
        return
    for cls in (
        exceptions.UsageError,
        exceptions.BadParameter,
        exceptions.MissingParameter,
        exceptions.NoSuchOption,
    ):
        # UsageError's own is ClickException's; each subclass that writes its own is wrapped too
        written = cls.format_message if cls is exceptions.UsageError else vars(cls).get("format_message")
        if written is None:
            continue

        def format_message(self, written=written):  # type: ignore[no-untyped-def]
            message = written(self)
            return message if _current == DEFAULT else _usage_error(message)

        cls.format_message = format_message
    # The command's usage line, which `--help` and every usage error (through the context) show.
    get_usage = core.Command.get_usage

    def usage(self, ctx):  # type: ignore[no-untyped-def]
        line = get_usage(self, ctx)
        if _current == DEFAULT or not line.startswith("Usage: "):
            return line
        said = line.removeprefix("Usage: ")
        for word in (N_("[OPTIONS]"), N_("COMMAND [ARGS]...")):
            said = said.replace(word, _(word))
        return _("Usage: {usage}").format(usage=said)

    core.Command.get_usage = usage
    exceptions.UsageError._socialmon_spoken = True  # type: ignore[attr-defined]


def _usage_error(message: str) -> str:
    import re

    said = message
    found = re.fullmatch(r"No such option: (\S+)(?: \(Possible options: (.+)\))?", said)
    if found:
        said = _("No such option: {option}").format(option=found[1])
        if found[2]:
            said += " " + _("(did you mean {options}?)").format(options=found[2])
        return said
    found = re.fullmatch(r"(.*)\. Did you mean (.+)\?", said, re.DOTALL)
    if found:
        return (
            _usage_error(found[1] + ".") + " " + _("Did you mean {suggestion}?").format(suggestion=found[2])
        )
    found = re.fullmatch(r"Missing (argument|option|parameter) (.+)\.", said)
    if found:
        words = {
            "argument": _("Missing argument {name}."),
            "option": _("Missing option {name}."),
            "parameter": _("Missing parameter {name}."),
        }
        return words[found[1]].format(name=found[2])
    found = re.fullmatch(r"Option (.+) requires an argument\.", said)
    if found:
        return _("Option {option} needs a value.").format(option=found[1])
    found = re.fullmatch(r"Option (.+) does not take a value\.", said)
    if found:
        return _("Option {option} takes no value.").format(option=found[1])
    found = re.fullmatch(r"Got unexpected extra arguments? \((.+)\)", said)
    if found:
        return _("Unexpected extra arguments: {arguments}").format(arguments=found[1])
    found = re.fullmatch(r"Invalid value for (.+?): (.*)", said, re.DOTALL)
    if found:
        return _("Invalid value for {option}: {problem}").format(
            option=found[1], problem=_value_problem(found[2])
        )
    return said


def _value_problem(problem: str) -> str:
    """What typer says of a refused value, in the CLI's language: its own "is not one of", and
    pydantic's words as the config's problems say them (`_config_words`, one catalogue entry each)."""
    import re

    from socialmon.cli._config_words import said

    found = re.fullmatch(r"(.+) is not one of (.+)\.", problem, re.DOTALL)
    if found:
        return _("{value} is not one of {choices}.").format(value=found[1], choices=found[2])
    # typer's checks of a path option (`--config`, `--output`): "file 'x' is a directory."
    found = re.fullmatch(
        r"(file|dir|path) ('.*') (is a directory|is a file|does not exist|is not readable|is not writable)\.",
        problem,
        re.DOTALL,
    )
    if found:
        kinds = {"file": _("file {name}"), "dir": _("folder {name}"), "path": _("path {name}")}
        states = {
            "is a directory": _("{what} is a folder: give the file in it"),
            "is a file": _("{what} is a file: give a folder"),
            "does not exist": _("{what} does not exist"),
            "is not readable": _("{what} cannot be read (permissions)"),
            "is not writable": _("{what} cannot be written (permissions)"),
        }
        return states[found[3]].format(what=kinds[found[1]].format(name=found[2])) + "."
    return said(problem)


if _current != DEFAULT:
    use(_current)

__all__ = [
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "_",
    "count",
    "current",
    "hide_type_tags",
    "ngettext",
    "plain_value_errors",
    "usage_errors_in_language",
    "use",
    "use_environment",
    "use_for",
]
