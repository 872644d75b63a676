-- Inobhutnahmen running on 31.12.: reported in the year they end.
select count(*) as laufend
from {{ ref('int_hilfen_episoden') }}
where im_aktuellen_export and hilfeart = '{{ inobhutnahme }}'
    and {{ is_running_on('beginn', 'ende', stichtag) }}
