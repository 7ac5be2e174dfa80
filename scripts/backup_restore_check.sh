#!/usr/bin/env bash
# Back up a PostgreSQL database and prove the backup restores (docs/deploy.md, "Backups").
#
#   scripts/backup_restore_check.sh DATABASE_URL
#       Dumps the database (pg_dump, custom format), restores the dump into a new, empty database
#       on the same server, compares the number of rows in every table of the two, prints the
#       comparison, and drops the restored copy. Exits 0 when every table matches, 1 when any
#       differs, 2 when the dump or the restore itself fails or the arguments are wrong.
#       Set BACKUP_DIR to keep the dump there (councilsocial-YYYYmmddTHHMMSSZ.dump); otherwise it is
#       written to a temporary file and removed. Set KEEP_RESTORED=1 to keep the restored database.
#
#   scripts/backup_restore_check.sh --compare DATABASE_URL_A DATABASE_URL_B
#       Only compares the row counts of every table of two databases (same exit codes).
#
# The source's row counts are taken in the same snapshot as the dump (pg_dump --snapshot), so
# rows written by the running application while the dump is taken do not cause a false alarm.
# DATABASE_URL is a libpq URI such as postgres://user@host:5432/councilsocial; the user needs
# permission to create databases for the restore. Passwords belong in ~/.pgpass, not the URL.
set -euo pipefail

usage() {
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# Every ordinary table outside the system schemas with its exact row count, one "schema.table|count"
# per line, sorted. query_to_xml runs a count(*) per table inside this one statement.
COUNT_SQL="SELECT format('%I.%I', schemaname, tablename) || '|' ||
  (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', schemaname, tablename),
   false, true, '')))[1]::text
  FROM pg_catalog.pg_tables
  WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND schemaname NOT LIKE 'pg\_temp%'
  ORDER BY 1;"

counts() {  # counts URL -> "schema.table|rows" lines, in byte order for join
  psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$COUNT_SQL" | LC_ALL=C sort
}

compare() {  # compare NAME_A FILE_A NAME_B FILE_B -> 0 if identical
  local a_name=$1 a_file=$2 b_name=$3 b_file=$4 status=0
  printf '%-60s %12s %12s\n' "table" "$a_name" "$b_name"
  LC_ALL=C join -t '|' -a 1 -a 2 -e 'missing' -o '0,1.2,2.2' "$a_file" "$b_file" |
    while IFS='|' read -r table a b; do
      if [ "$a" = "$b" ]; then mark=""; else mark="  <-- differs"; fi
      printf '%-60s %12s %12s%s\n' "$table" "$a" "$b" "$mark"
    done
  if ! cmp -s "$a_file" "$b_file"; then
    status=1
  fi
  local tables
  tables=$(wc -l <"$a_file")
  if [ "$status" -eq 0 ]; then
    echo "OK: all ${tables} tables have the same number of rows."
  else
    echo "MISMATCH: the row counts above marked 'differs' are not the same." >&2
  fi
  return "$status"
}

server_of() { local url=${1%%\?*}; echo "${url%/*}"; }  # the URL without its database name
dbname_of() { local url=${1%%\?*}; echo "${url##*/}"; }

WORK=$(mktemp -d)
RESTORED_URL=""
cleanup() {
  if [ -n "$RESTORED_URL" ] && [ "${KEEP_RESTORED:-0}" != "1" ]; then
    psql -X -q -d "$(server_of "$RESTORED_URL")/postgres" \
      -c "DROP DATABASE IF EXISTS \"$(dbname_of "$RESTORED_URL")\"" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "${1:-}" = "--compare" ]; then
  [ $# -eq 3 ] || usage
  counts "$2" >"$WORK/a" || exit 2
  counts "$3" >"$WORK/b" || exit 2
  compare "$(dbname_of "$2")" "$WORK/a" "$(dbname_of "$3")" "$WORK/b"
  exit $?
fi
[ $# -eq 1 ] || usage
case "$1" in postgres://* | postgresql://*) ;; *) usage ;; esac

SOURCE_URL=$1
SOURCE_DB=$(dbname_of "$SOURCE_URL")
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
if [ -n "${BACKUP_DIR:-}" ]; then
  mkdir -p "$BACKUP_DIR"
  DUMP="$BACKUP_DIR/${SOURCE_DB}-${STAMP}.dump"
else
  DUMP="$WORK/${SOURCE_DB}.dump"
fi

# 1. In one repeatable-read transaction on the source: export its snapshot, dump in that snapshot
#    (psql runs pg_dump) and count the source's rows in it.
echo "Dumping ${SOURCE_DB} to ${DUMP} …"
echo 1 >"$WORK/dump_status"
if ! psql -X -q -At -v ON_ERROR_STOP=1 -d "$SOURCE_URL" >/dev/null <<SQL; then
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT pg_export_snapshot() AS snapshot \gset
\setenv BACKUP_SNAPSHOT :snapshot
\! pg_dump --format=custom --snapshot="\$BACKUP_SNAPSHOT" --file="$DUMP" -d "$SOURCE_URL"; echo \$? >"$WORK/dump_status"
\o $WORK/source
$COUNT_SQL
\o
COMMIT;
SQL
  echo "Could not read ${SOURCE_DB}." >&2
  exit 2
fi
if [ "$(cat "$WORK/dump_status")" != "0" ]; then
  echo "pg_dump failed." >&2
  exit 2
fi
LC_ALL=C sort -o "$WORK/source" "$WORK/source"

# 2. Restore into a new database on the same server.
RESTORED_DB="${SOURCE_DB}_restore_check_$(date -u +%Y%m%d%H%M%S)_$$"
RESTORED_URL="$(server_of "$SOURCE_URL")/${RESTORED_DB}"
echo "Restoring into ${RESTORED_DB} …"
psql -X -q -v ON_ERROR_STOP=1 -d "$(server_of "$SOURCE_URL")/postgres" \
  -c "CREATE DATABASE \"${RESTORED_DB}\" TEMPLATE template0" || exit 2
if ! pg_restore --exit-on-error --no-owner --no-privileges -d "$RESTORED_URL" "$DUMP"; then
  echo "pg_restore failed: the backup ${DUMP} does not restore." >&2
  exit 2
fi

# 3. Compare.
counts "$RESTORED_URL" >"$WORK/restored" || exit 2
compare "$SOURCE_DB" "$WORK/source" "restored" "$WORK/restored"
