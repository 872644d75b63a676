-- One row per help of the newest export and month, from the month of beginn to
-- the month of ende (or the cut-off): running on the month's reference date,
-- begun, ended, days running, and the social space on the reference date.
with

hilfen as (

    select * from {{ ref('int_hilfen_episoden') }}
    where im_aktuellen_export

),

monate as (

    select * from {{ ref('int_monate') }}

),

zuordnung as (

    select * from {{ ref('int_sozialraum_zuordnung') }}

),

hilfen_monate as (

    select
        hilfen.hilfe_id,
        hilfen.traeger_id,
        hilfen.wohnort_ags,
        hilfen.hilfeart,
        hilfen.setting,
        hilfen.ist_paragraph_41,
        hilfen.beginn,
        hilfen.ende,
        monate.monat,
        monate.jahr,
        monate.stichtag,
        monate.jahresstichtag,
        monate.tage_im_monat,
        monate.ist_letzter_monat_des_jahres

    from hilfen
    inner join monate
        on monate.monat >= cast(date_trunc('month', hilfen.beginn) as date)
        and monate.monat <= cast(date_trunc('month', coalesce(hilfen.ende, date '9999-12-31')) as date)

),

flags as (

    select
        *,
        {{ is_running_on('beginn', 'ende', 'stichtag') }} as laufend_stichtag,
        {{ is_in_period('beginn', 'monat', 'stichtag') }} as begonnen,
        {{ is_in_period('ende', 'monat', 'stichtag') }} as beendet,
        {{ running_days('beginn', 'ende', 'monat', 'stichtag') }} as falltage

    from hilfen_monate

),

final as (

    select
        -- ids
        flags.hilfe_id,
        flags.monat,
        flags.traeger_id,

        -- dimensions
        flags.jahr,
        flags.stichtag,
        flags.jahresstichtag,
        flags.ist_letzter_monat_des_jahres,
        flags.wohnort_ags,
        coalesce(zuordnung.sozialraum, {{ sozialraum_nicht_zugeordnet() }}) as sozialraum,
        flags.hilfeart,
        flags.setting,
        flags.ist_paragraph_41,

        -- counts
        flags.laufend_stichtag,
        flags.begonnen,
        flags.beendet,
        flags.falltage,
        cast(flags.falltage as double) / flags.tage_im_monat as fallmonate

    from flags
    left join zuordnung
        on {{ zuordnung_gilt_am('zuordnung', 'flags.wohnort_ags', 'flags.stichtag') }}

)

select * from final
