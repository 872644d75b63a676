-- Teil IV for the reviewer's page: helps with a booking in the year per position
-- (and office: the booking's own `jugendamt`, else its help's).
select
    coalesce(zahlungen.jugendamt, hilfen.jugendamt) as jugendamt,
    hilfen.hilfeart as position,
    count(distinct zahlungen.hilfe_id) as hilfen
from {{ ref('stg_raw__zahlungen') }} as zahlungen
inner join {{ ref('int_hilfen_episoden') }} as hilfen
    on zahlungen.hilfe_id = hilfen.hilfe_id
where year(zahlungen.buchungsdatum) = {{ berichtsjahr }}
group by all
