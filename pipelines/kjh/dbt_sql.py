"""The dbt project's own definitions, for Python code that must follow them.

Used by the statutory statistics (the models against a historical state, see
below) and by the quality checks (a macro or a small model rendered into
their SQL: the Teilplan of a produktkonto, the social-space validity ranges,
the age of majority), so each rule is written once, in dbt.

The statistics:

The statutory records must follow the warehouse's definitions (running on
31.12., ended in the year, § 41, net amounts, Teilplan, a help's latest
version) and must be reproducible from the raw history long after the marts
have moved on. So kjh does not re-write those rules and does not read the
current marts for the records: it renders the dbt models and macros
themselves (``dbt_project/models``, ``dbt_project/macros``) with Jinja and runs
them as temporary views on ONE DuckDB connection, with ``source('raw', …)``
pointing at a reconstruction of the raw table as it stood at the recorded
export date instead of at the table itself.

Only plain dbt Jinja is supported (``ref``, ``source``, ``var``, ``config``,
``is_incremental``, ``this``, ``target`` and the project's macros); a model
that needs the adapter or runs queries at compile time raises DbtSqlError.
"""
import datetime as _dt
import functools
import re
from pathlib import Path

import jinja2
import yaml

from kjh.paths import DBT_PROJECT_DIR

PREFIX = "kjh_statistik_"


class DbtSqlError(RuntimeError):
    pass


@functools.cache
def _macro_source(project_dir: Path) -> str:
    files = sorted((project_dir / "macros").glob("*.sql"))
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


@functools.cache
def _model_paths(project_dir: Path) -> dict[str, Path]:
    return {p.stem: p for p in (project_dir / "models").rglob("*.sql")}


@functools.cache
def _project_vars(project_dir: Path) -> dict:
    spec = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    return dict(spec.get("vars") or {})


class _Relation:
    """`this` as dbt gives it: prints as the relation, has schema / identifier."""

    def __init__(self, name: str):
        self.schema, self.identifier, self.name = "temp", name, name

    def __str__(self) -> str:
        return self.name


class _Target:
    schema = "main"
    type = "duckdb"
    name = "dev"


class _Adapter:
    """adapter.dispatch for macros written per engine (duckdb__x, default__x), as dbt resolves them."""

    def __init__(self, owner: "DbtSql"):
        self._owner = owner

    def dispatch(self, name, macro_namespace=None):
        for prefix in ("duckdb__", "default__"):
            found = getattr(self._owner._macros, prefix + name, None)
            if found is not None:
                return found
        raise DbtSqlError(f"Makro {name!r}: keine Fassung duckdb__/default__ im dbt-Projekt.")


class DbtSql:
    """Renders and creates dbt models as temp views on `con`.

    sources: {(source_name, table): relation} overrides (e.g. the as-of
    reconstruction of raw.hilfen); other sources resolve to `schema.table`.
    Every model is created once per instance, its refs first. The project's
    macros are available to the models and to SQL rendered with `render`.
    """

    def __init__(self, con, sources: dict[tuple[str, str], str], project_dir: Path = DBT_PROJECT_DIR):
        self.con = con
        self.sources = dict(sources)
        self.project_dir = Path(project_dir)
        self.created: dict[str, str] = {}
        self._vars = _project_vars(self.project_dir)
        self._env = jinja2.Environment(extensions=["jinja2.ext.do"], undefined=jinja2.StrictUndefined,
                                       keep_trailing_newline=True)
        context = self._context()
        try:
            self._macros = self._env.from_string(_macro_source(self.project_dir)).make_module(context)
        except jinja2.TemplateError as exc:
            raise DbtSqlError(f"dbt-Makros nicht lesbar: {exc}") from exc
        names = [n for n in dir(self._macros) if not n.startswith("_")]
        self._globals = {**context, **{n: getattr(self._macros, n) for n in names}}

    # -- Jinja context
    def _context(self) -> dict:
        def ref(*args, **kwargs):
            return self.model(args[-1])

        def source(source_name, table):
            return self.sources.get((source_name, table), f"{source_name}.{table}")

        def var(name, default=None):
            return self._vars.get(name, default)

        def unsupported(*_a, **_k):
            raise DbtSqlError("Modell braucht den dbt-Adapter zur Laufzeit (run_query); für die Statistik nicht "
                              "nachbildbar.")

        return {
            "ref": ref, "source": source, "var": var, "config": lambda *a, **k: "",
            "is_incremental": lambda: False, "target": _Target(), "run_query": unsupported,
            "adapter": _Adapter(self), "execute": False, "this": _Relation(""),
            "run_started_at": _dt.datetime(1970, 1, 1),  # never used by the models the statistics render
        }

    def render(self, sql: str, this: str = "", **params) -> str:
        """Renders SQL text that may call the project's macros and ref()/source()."""
        try:
            return self._env.from_string(sql).render({**self._globals, **params, "this": _Relation(this)})
        except jinja2.TemplateError as exc:
            raise DbtSqlError(f"dbt-SQL nicht darstellbar: {exc}") from exc

    def model(self, name: str) -> str:
        """The temp view of a dbt model (created on first use) as a relation name; without a connection
        the model's SQL as a subquery (its refs inlined the same way)."""
        if name in self.created:
            return self.created[name]
        path = _model_paths(self.project_dir).get(name)
        if path is None:
            raise DbtSqlError(f"dbt-Modell {name!r} gibt es nicht in {self.project_dir / 'models'}.")
        if self.con is None:
            sql = self.render(path.read_text(encoding="utf-8"), this=name)
            self.created[name] = f"(\n{_strip_semicolon(sql)}\n)"
            return self.created[name]
        view = PREFIX + name
        self.created[name] = view  # before rendering: refs of refs resolve once
        sql = self.render(path.read_text(encoding="utf-8"), this=view)
        self.con.execute(f"create or replace temp view {view} as\n{_strip_semicolon(sql)}")
        return view

    def macro(self, name: str, *args) -> str:
        """One macro call rendered to SQL text (e.g. macro('is_paragraph_41', 'h.alter_bei_beginn'))."""
        return str(getattr(self._macros, name)(*args)).strip()


def _strip_semicolon(sql: str) -> str:
    return re.sub(r";\s*$", "", sql.strip())


@functools.cache
def _ohne_verbindung() -> DbtSql:
    return DbtSql(None, {})


def makro(name: str, *args: str) -> str:
    """A macro of the dbt project rendered to SQL text, e.g. makro("teilplan_of", "z.produktkonto")."""
    return _ohne_verbindung().macro(name, *args)


def modell(name: str) -> str:
    """A model of the dbt project as a subquery on the raw tables (sources read as raw.<table>)."""
    return _ohne_verbindung().model(name)


def variable(name: str):
    """A var of dbt_project.yml (e.g. volljaehrig_ab)."""
    werte = _project_vars(DBT_PROJECT_DIR)
    if name not in werte:
        raise DbtSqlError(f"dbt_project.yml: keine Variable {name!r}.")
    return werte[name]
