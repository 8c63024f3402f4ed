"""Loads the app's translation (resources/outpost_<lang>.qm) and Qt's own for its standard
buttons, from the `language` setting or, when it is empty, the system's language.

English is the source language and needs no file. The .ts sources live in resources/i18n/;
`scripts/translations.sh` refreshes them with pyside6-lupdate and compiles the .qm files.
"""

from __future__ import annotations

import logging
from importlib import resources

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

logger = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"


def language_code(setting: str, system: QLocale | None = None) -> str:
    """The two-letter language to show: the setting, else the system's."""
    if setting:
        return setting
    name = (system or QLocale.system()).name()  # e.g. "es_MX"
    return name.split("_")[0].lower() or SOURCE_LANGUAGE


def install_translators(app: QCoreApplication, setting: str) -> list[QTranslator]:
    """Install the translators for the chosen language; [] for English or when the app
    ships no translation for it (the text then stays in English)."""
    code = language_code(setting)
    if code == SOURCE_LANGUAGE:
        return []
    ours = QTranslator(app)
    path = resources.files("outpost.resources") / f"outpost_{code}.qm"
    if not ours.load(str(path)):
        logger.info("no translation shipped for language %s; showing English", code)
        return []
    installed = [ours]
    qt = QTranslator(app)
    if qt.load(f"qtbase_{code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        installed.append(qt)
    for translator in installed:
        app.installTranslator(translator)
    logger.info("language %s: %d translation files loaded", code, len(installed))
    return installed
