{#- Bookkeeping of the incremental models (README.md, Benchmark: "Incremental builds").

    Rows that an incremental model (re)builds carry the start time of the dbt
    build (`aktualisiert_am`, a logical time: see lauf_zeitpunkt). The incremental marts keep, in the table
    intermediate.inkrement_stand, the newest change of their input they have
    taken in (their watermark); it is written in the same transaction as the
    mart, so a failed build leaves it unchanged. `dbt build --full-refresh`
    (or DBT_FULL_REFRESH=true) rebuilds every incremental model from scratch. -#}

{#- The build's logical time: one second after the newest build time already stored (in the
    watermarks and in the model's own rows), 2000-01-01 00:00:01 in a new warehouse. Not the
    wall clock: two builds on the same input write the same bytes (README, Quality gates);
    it only has to grow from build to build. Used by int_zahlungen (`aktualisiert_am`). -#}
{% macro lauf_zeitpunkt() -%}
    {%- if this is none or not execute -%}
        {#- a unit test (no relation of its own) or parsing -#}
        {{ return("cast('2000-01-01 00:00:01' as timestamp)") }}
    {%- endif -%}
    {%- set vorher = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) -%}
    {%- set spalten = (adapter.get_columns_in_relation(vorher) | map(attribute='name') | list) if vorher else [] -%}
    (select coalesce(max(zeitpunkt), timestamp '2000-01-01 00:00:00') + interval 1 second
     from (
        select max(stand) as zeitpunkt from intermediate.inkrement_stand where isfinite(stand)
        {%- if 'aktualisiert_am' in spalten %}
        union all select max(aktualisiert_am) from {{ this }}
        {%- endif %}
     ) as bisher)
{%- endmacro %}

{#- on-run-start: the watermark table (not a model: it outlives full refreshes of the marts). -#}
{% macro inkrement_stand_anlegen() -%}
    create schema if not exists intermediate;
    create table if not exists intermediate.inkrement_stand (
        modell varchar primary key,
        stand timestamp not null
    )
{%- endmacro %}

{#- A watermark: of the model being built, or the one named; -infinity when there is none yet
    (take in everything). -#}
{% macro inkrement_stand(modell=none) -%}
    coalesce(
        (select max(stand) from intermediate.inkrement_stand
         where modell = '{{ modell or (this.schema ~ "." ~ this.identifier) }}'),
        cast('-infinity' as timestamp)
    )
{%- endmacro %}

{#- The Haushaltsjahre an incremental expenditure mart rebuilds: those with a booking whose
    figures changed after the model's watermark (ausgaben_jahr, ausgaben_monat). -#}
{% macro geaenderte_haushaltsjahre() -%}
    select distinct haushaltsjahr
    from {{ ref('int_zahlungen') }}
    where geaendert_am > {{ inkrement_stand() }}
{%- endmacro %}

{#- post-hook: remember how far the input has been taken in (watermark of this model or the one named). -#}
{% macro inkrement_stand_merken(stand_sql, modell=none) -%}
    insert or replace into intermediate.inkrement_stand (modell, stand)
    select '{{ modell or (this.schema ~ "." ~ this.identifier) }}', coalesce(({{ stand_sql }}), cast('-infinity' as timestamp))
{%- endmacro %}

{#- The row tests of int_zahlungen and int_zahlungen_periodengerecht check the rows written
    since the last build in which every one of them passed (their `where`, written out in
    _int__models.yml: dbt does not allow macros there): kosten_je_fall, downstream of all of
    them and so skipped by dbt build when one fails, records that watermark under
    'intermediate.int_zahlungen geprueft'. A failed check is checked again in the next
    build; a full refresh checks every row. -#}

{#- Whether an incremental model can build on its stored rows: incremental, and the stored
    table already has the bookkeeping column (a table from before incremental builds is
    rebuilt in full; dbt adds the new columns). -#}
{% macro inkrementell_moeglich(spalte) -%}
    {%- if not is_incremental() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set spalten = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {{ return(spalte in spalten) }}
{%- endmacro %}
