"""SQL functions of set-based ingestion on PostgreSQL (a no-op on SQLite).

python-stdnum cannot run inside the database, so the check characters of 公民身份号码 (GB 11643,
ISO 7064 MOD 11-2) and 统一社会信用代码 (GB 32100, MOD 31) are computed here by hand; the tests
prove them equal to ``stdnum.cn.ric`` / ``stdnum.cn.uscc`` over random valid and corrupted
identifiers. Every function is a single SQL expression (``LANGUAGE sql``, not STRICT) so that
the planner inlines it into the validation query; ``govhall_digits5()`` has no arguments and is
IMMUTABLE, so it is folded into a constant array once per query.

- ``govhall_digits5()``: for n in 0..99999, the digits of n read in base 2 (d0·16 + d1·8 + d2·4
  + d3·2 + d4). Four lookups give the MOD 11-2 weighted sum of 17 digits, since the weight of
  position i is 2^(18-i): far cheaper per row than 17 substrings.
- ``govhall_ric_check_char(body)``: the check character of the first 17 digits of ``body``
  (an 18th character is ignored, so the whole number can be passed without a ``left()``).
- ``govhall_uscc_check_char(body)``: the same for the first 17 USCC characters.
- ``govhall_ymd_ok(y, m, d)``: a real calendar date from 4 + 2 + 2 digits (year 0001-9999);
  the caller has checked that they are digits.
- ``govhall_date_ok(v)``: ``YYYY-MM-DD`` and a real date.
- ``govhall_ric_problem(v, today)``: NULL for a valid ID number, else ``id_length``,
  ``id_format``, ``id_checksum`` or ``id_birth_date`` (not a real date, or after ``today``,
  given as ``YYYYMMDD``). The region code is not looked up (see ``ingest/values.py``).
- ``govhall_uscc_problem(v)``: NULL, ``uscc_length``, ``uscc_format`` or ``uscc_checksum``.
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION govhall_digits5() RETURNS smallint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_agg(
    (n / 10000 * 16 + n / 1000 % 10 * 8 + n / 100 % 10 * 4 + n / 10 % 10 * 2 + n % 10)::smallint
    ORDER BY n)
  FROM generate_series(0, 99999) AS n
$$;

CREATE OR REPLACE FUNCTION govhall_ric_check_char(body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT substr('10X98765432', (
      8192 * (govhall_digits5())[substr(body, 1, 5)::int + 1]
    + 256 * (govhall_digits5())[substr(body, 6, 5)::int + 1]
    + 8 * (govhall_digits5())[substr(body, 11, 5)::int + 1]
    + 2 * (govhall_digits5())[substr(body, 16, 2)::int + 1]) % 11 + 1, 1)
$$;

CREATE OR REPLACE FUNCTION govhall_uscc_check_char(body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT substr('0123456789ABCDEFGHJKLMNPQRTUWXY', (31 - (
      (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 1, 1)) - 1) * 1
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 2, 1)) - 1) * 3
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 3, 1)) - 1) * 9
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 4, 1)) - 1) * 27
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 5, 1)) - 1) * 19
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 6, 1)) - 1) * 26
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 7, 1)) - 1) * 16
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 8, 1)) - 1) * 17
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 9, 1)) - 1) * 20
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 10, 1)) - 1) * 29
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 11, 1)) - 1) * 25
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 12, 1)) - 1) * 13
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 13, 1)) - 1) * 8
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 14, 1)) - 1) * 24
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 15, 1)) - 1) * 10
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 16, 1)) - 1) * 30
    + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, 17, 1)) - 1) * 28
  ) % 31) % 31 + 1, 1)
$$;

CREATE OR REPLACE FUNCTION govhall_ymd_ok(y text, m text, d text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT y COLLATE "C" <> '0000' AND d COLLATE "C" <> '00' AND d COLLATE "C" <= CASE m COLLATE "C"
    WHEN '01' THEN '31' WHEN '03' THEN '31' WHEN '05' THEN '31' WHEN '07' THEN '31'
    WHEN '08' THEN '31' WHEN '10' THEN '31' WHEN '12' THEN '31'
    WHEN '04' THEN '30' WHEN '06' THEN '30' WHEN '09' THEN '30' WHEN '11' THEN '30'
    WHEN '02' THEN CASE WHEN (y::int % 4 = 0 AND y::int % 100 <> 0) OR y::int % 400 = 0
      THEN '29' ELSE '28' END
    ELSE '' END
$$;

CREATE OR REPLACE FUNCTION govhall_date_ok(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN translate(v, '0123456789', '0000000000') COLLATE "C" <> '0000-00-00' THEN false
    ELSE govhall_ymd_ok(left(v, 4), substr(v, 6, 2), right(v, 2))
  END
$$;

CREATE OR REPLACE FUNCTION govhall_ric_problem(v text, today text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN length(v) <> 18 THEN 'id_length'
    WHEN ltrim(left(v, 17), '0123456789') <> '' THEN 'id_format'
    WHEN right(v, 1) <> govhall_ric_check_char(v) THEN 'id_checksum'
    WHEN NOT govhall_ymd_ok(substr(v, 7, 4), substr(v, 11, 2), substr(v, 13, 2))
      OR substr(v, 7, 8) COLLATE "C" > today THEN 'id_birth_date'
  END
$$;

CREATE OR REPLACE FUNCTION govhall_uscc_problem(v text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN length(v) <> 18 THEN 'uscc_length'
    WHEN ltrim(left(v, 8), '0123456789') <> ''
      OR ltrim(substr(v, 9), '0123456789ABCDEFGHJKLMNPQRTUWXY') <> '' THEN 'uscc_format'
    WHEN right(v, 1) <> govhall_uscc_check_char(v) THEN 'uscc_checksum'
  END
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS govhall_uscc_problem(text);
DROP FUNCTION IF EXISTS govhall_ric_problem(text, text);
DROP FUNCTION IF EXISTS govhall_date_ok(text);
DROP FUNCTION IF EXISTS govhall_ymd_ok(text, text, text);
DROP FUNCTION IF EXISTS govhall_uscc_check_char(text);
DROP FUNCTION IF EXISTS govhall_ric_check_char(text);
DROP FUNCTION IF EXISTS govhall_digits5();
"""


def _run(schema_editor, script: str) -> None:
    # No parameters: the bodies hold "%" (modulo) that a parameterized execute would misread.
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in script.split(";\n"):
            if statement.strip():
                cursor.execute(statement)


def create_functions(apps, schema_editor):
    _run(schema_editor, FUNCTIONS)


def drop_functions(apps, schema_editor):
    _run(schema_editor, DROP)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(create_functions, drop_functions, elidable=False)]
