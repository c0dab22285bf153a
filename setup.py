"""Compile the translators' catalogs (i18n/*.po) into the package whenever it is built.

Everything else about the package is in pyproject.toml. The compiled catalogs are not in git;
without this step a wheel would serve English under <html lang="es">.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SOURCE = Path(__file__).resolve().parent / "i18n"


def compile_catalogs(target: Path) -> None:
    """Write target/<locale>/LC_MESSAGES/messages.mo for each i18n/<locale>/.../messages.po."""
    # Babel is a build requirement (pyproject.toml), so it is importable here.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalogs = sorted(SOURCE.glob("*/LC_MESSAGES/messages.po"))
    if not catalogs:
        raise SystemExit(f"no translation catalogs found under {SOURCE}")
    for po in catalogs:
        locale = po.parent.parent.name
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        mo = target / locale / "LC_MESSAGES" / "messages.mo"
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as handle:
            write_mo(handle, catalog)


class BuildWithCatalogs(build_py):
    """build_py, then the compiled catalogs beside the templates."""

    def run(self):
        super().run()
        if self.editable_mode:
            # An editable install reads the package from the checkout itself.
            compile_catalogs(Path(__file__).resolve().parent / "portal" / "translations")
        else:
            compile_catalogs(Path(self.build_lib) / "portal" / "translations")


setup(cmdclass={"build_py": BuildWithCatalogs})
