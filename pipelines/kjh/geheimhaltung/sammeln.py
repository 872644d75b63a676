"""Rule 5: small members of a list (providers) are combined into one row, not listed."""
import pandas as pd

from kjh.geheimhaltung.regel import MINDESTFALLZAHL


def sammeln(df: pd.DataFrame, anzahl: str, summen: list[str], name_spalte: str, sammelname: str,
            intern: bool = False) -> tuple[pd.DataFrame, int]:
    """Rule 5: members with fewer than MINDESTFALLZAHL helps go into one row `sammelname`.

    The combined row holds at least two members and, if possible, at least
    MINDESTFALLZAHL helps (the next-smallest members join it until it does).
    Returns the list (largest first, the combined row last) and the number of
    members combined. Internal runs list everyone.
    """
    d = df.sort_values([anzahl, name_spalte], ascending=[True, True]).reset_index(drop=True)
    if intern or d.empty:
        return d.sort_values(anzahl, ascending=False), 0
    n = int((d[anzahl] < MINDESTFALLZAHL).sum())
    if n == 0:
        return d.sort_values(anzahl, ascending=False), 0
    n = max(n, 2)
    while n < len(d) and d[anzahl].iloc[:n].sum() < MINDESTFALLZAHL:
        n += 1
    n = min(n, len(d))
    klein, gross = d.iloc[:n], d.iloc[n:]
    zeile = {c: klein[c].sum() for c in [anzahl, *summen]}
    zeile[name_spalte] = f"{sammelname} ({n})"
    out = pd.concat([gross.sort_values(anzahl, ascending=False), pd.DataFrame([zeile])], ignore_index=True)
    return out, n
