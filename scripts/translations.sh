#!/bin/sh
# Refresh the translation sources (resources/i18n/*.ts) from the UI code and compile the
# shipped translations into resources/*.qm, with Qt's pyside6-lupdate and pyside6-lrelease.
# Translate new strings in resources/i18n/outpost_es.ts (Qt Linguist: .venv/bin/pyside6-linguist)
# and run this again; tests/ui/test_i18n.py fails while a string has no Spanish.
set -eu
cd "$(dirname "$0")/.."
sources="src/app.py $(ls src/ui/*.py)"
for lang in en es; do
    # shellcheck disable=SC2086 # the list of files is meant to split
    .venv/bin/pyside6-lupdate -no-obsolete -locations none -source-language en \
        -target-language "$lang" $sources -ts "resources/i18n/outpost_$lang.ts"
done
.venv/bin/pyside6-lrelease -silent resources/i18n/outpost_es.ts -qm resources/outpost_es.qm
