-- One row per help and year it touches: running on the year's reference date
-- (31.12., or the cut-off in the current year), begun, ended, fallmonate, and
-- the social space in force on the year's reference date.
with

hilfen_monate as (

    select * from {{ ref('int_hilfen_monate') }}

),

zuordnung as (

    select * from {{ ref('int_sozialraum_zuordnung') }}

),

hilfen_jahre as (

    select
        hilfe_id,
        jahr,
        any_value(jahresstichtag) as jahresstichtag,
        any_value(traeger_id) as traeger_id,
        any_value(wohnort_ags) as wohnort_ags,
        any_value(hilfeart) as hilfeart,
        any_value(setting) as setting,
        any_value(ist_paragraph_41) as ist_paragraph_41,
        -- running on the reference date of the year = running on the reference
        -- date of the year's last month (31.12. or the cut-off)
        coalesce(bool_or(laufend_stichtag and ist_letzter_monat_des_jahres), false) as laufend_stichtag,
        bool_or(begonnen) as begonnen,
        bool_or(beendet) as beendet,
        sum(falltage) as falltage,
        sum(fallmonate) as fallmonate

    from hilfen_monate
    group by hilfe_id, jahr

),

final as (

    select
        -- ids
        hilfen_jahre.hilfe_id,
        hilfen_jahre.jahr,
        hilfen_jahre.traeger_id,

        -- dimensions
        hilfen_jahre.jahresstichtag,
        hilfen_jahre.wohnort_ags,
        coalesce(zuordnung.sozialraum, {{ sozialraum_nicht_zugeordnet() }}) as sozialraum,
        hilfen_jahre.hilfeart,
        hilfen_jahre.setting,
        hilfen_jahre.ist_paragraph_41,

        -- counts
        hilfen_jahre.laufend_stichtag,
        hilfen_jahre.begonnen,
        hilfen_jahre.beendet,
        hilfen_jahre.laufend_stichtag or hilfen_jahre.beendet as im_jahr_gezaehlt,
        hilfen_jahre.falltage,
        hilfen_jahre.fallmonate

    from hilfen_jahre
    left join zuordnung
        on {{ zuordnung_gilt_am('zuordnung', 'hilfen_jahre.wohnort_ags', 'hilfen_jahre.jahresstichtag') }}

)

select * from final
