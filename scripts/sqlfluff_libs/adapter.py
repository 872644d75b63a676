"""Stand-in for dbt's `adapter` when sqlfluff renders the models (jinja templater, see .sqlfluff):
the relation of an incremental model exists and has every column, so the incremental branch is
the one that is linted (sqlfluff's `is_incremental()` is always true)."""


class _Alle(list):
    """Every column name is in it."""

    def __contains__(self, name):
        return True


class _Spalte:
    name = "spalte"


def get_relation(*args, **kwargs):
    return None


def get_columns_in_relation(*args, **kwargs):
    return _Alle([_Spalte()])
