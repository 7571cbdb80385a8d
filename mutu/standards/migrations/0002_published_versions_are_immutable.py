"""Database triggers that keep published standard versions (and their items) unchanged.

The service layer already refuses such writes; the triggers make the rule hold for
any other path too (a shell, a bulk update, a future bug).  Only the governance
columns (signed decree scan, next review date) may change after publishing.
"""

from django.db import migrations

FROZEN_COLUMNS = [
    "service_id", "number", "status", "effective_date", "published_at", "published_by_id", "created_at",
    "change_summary", "counter_time_minutes", "completion_time_value", "completion_time_unit", "fee_kind",
    "fee_amount", "fee_legal_basis", "product", "complaint_handling", "legal_basis", "facilities",
    "staff_competence", "internal_supervision", "staff_count", "service_guarantee", "safety_guarantee",
    "staff_evaluation", "decree_number", "decree_date",
]
CHILD_TABLES = ["standards_requirementitem", "standards_procedurestep"]
MESSAGE = "published standard versions are immutable"


def _sqlite_sql():
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN_COLUMNS)
    statements = [
        f"""CREATE TRIGGER standardversion_immutable_update BEFORE UPDATE ON standards_standardversion
        WHEN OLD.status = 'published' AND ({changed})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
        f"""CREATE TRIGGER standardversion_immutable_delete BEFORE DELETE ON standards_standardversion
        WHEN OLD.status = 'published' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    ]
    for table in CHILD_TABLES:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            statements.append(
                f"""CREATE TRIGGER {table}_immutable_{event.lower()} BEFORE {event} ON {table}
                WHEN (SELECT status FROM standards_standardversion WHERE id = {row}.version_id) = 'published'
                BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"""
            )
    return statements


def _postgres_sql():
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN_COLUMNS)
    statements = [
        f"""CREATE FUNCTION standards_version_immutable() RETURNS trigger AS $$
        BEGIN
          IF OLD.status = 'published' AND (TG_OP = 'DELETE' OR {changed}) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql;""",
        """CREATE TRIGGER standardversion_immutable BEFORE UPDATE OR DELETE ON standards_standardversion
        FOR EACH ROW EXECUTE FUNCTION standards_version_immutable();""",
        f"""CREATE FUNCTION standards_version_item_immutable() RETURNS trigger AS $$
        DECLARE vid bigint;
        BEGIN
          IF TG_OP = 'INSERT' THEN vid := NEW.version_id; ELSE vid := OLD.version_id; END IF;
          IF (SELECT status FROM standards_standardversion WHERE id = vid) = 'published' THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql;""",
    ]
    for table in CHILD_TABLES:
        statements.append(
            f"""CREATE TRIGGER {table}_immutable BEFORE INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION standards_version_item_immutable();"""
        )
    return statements


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = _sqlite_sql()
    elif vendor == "postgresql":
        statements = _postgres_sql()
    else:
        return
    for sql in statements:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        names = ["standardversion_immutable_update", "standardversion_immutable_delete"] + [
            f"{t}_immutable_{e}" for t in CHILD_TABLES for e in ("insert", "update", "delete")
        ]
        for name in names:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS standardversion_immutable ON standards_standardversion")
        for table in CHILD_TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS standards_version_immutable()")
        schema_editor.execute("DROP FUNCTION IF EXISTS standards_version_item_immutable()")


class Migration(migrations.Migration):
    dependencies = [("standards", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
