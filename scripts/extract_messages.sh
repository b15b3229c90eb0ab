#!/usr/bin/env bash
# Writes the message template (every sentence ticketsim marks for translation) to $1
# (default po/ticketsim.pot) with GNU xgettext. The keywords are simulator/text/translate.h's
# marking functions. Run from the repository root; `make pot` also merges the result into
# every po/*.po with msgmerge.
set -euo pipefail
output=${1:-po/ticketsim.pot}
mapfile -t sources < <(find include storage locks simulator -name '*.cc' -o -name '*.h' | LC_ALL=C sort)
keywords=(--keyword=tr --keyword=trc:1c,2 --keyword=trf --keyword=trn:1,2 --keyword=trnf:1,2
          --keyword=counted:2,3 --keyword=N_)
# fmt's {} is no C format: never let xgettext guess "c-format" from a stray % sign.
flags=(--flag=tr:1:no-c-format --flag=trf:1:no-c-format --flag=trn:1:no-c-format
       --flag=trn:2:no-c-format --flag=trnf:1:no-c-format --flag=trnf:2:no-c-format
       --flag=counted:2:no-c-format --flag=counted:3:no-c-format --flag=trc:2:no-c-format
       --flag=N_:1:no-c-format)
xgettext --language=C++ --from-code=UTF-8 "${keywords[@]}" "${flags[@]}" \
  --add-comments=TRANSLATORS: --sort-by-file --no-wrap \
  --package-name=ticketsim --package-version=0.1.0 --msgid-bugs-address=ticketsim \
  --output="$output" "${sources[@]}"
# The date changes on every run; nothing else does when no message changed.
sed -i '/^"POT-Creation-Date:/d' "$output"
