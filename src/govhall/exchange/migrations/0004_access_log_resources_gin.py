"""A GIN index on the access log's resources (PostgreSQL only), for the providers' page.

``resources__contains=[code]`` compiles to ``resources @> '["code"]'``, which this index answers
without reading the whole log. SQLite has no such index; its provider filter scans the log.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS exchange_access_resources_gin "
    "ON exchange_accesslogentry USING gin (resources jsonb_path_ops)"
)
DROP = "DROP INDEX IF EXISTS exchange_access_resources_gin"


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("exchange", "0003_record_without_fk_constraints")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
