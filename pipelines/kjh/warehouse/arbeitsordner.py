"""The warehouse's private working folder: the plain UTF-8 copy of a delivery that DuckDB
reads (a Windows-1252 export transcoded, line ends normalised) lives here and nowhere else.

`<warehouse>.arbeit/`, mode 0700, beside the warehouse file (same disk, same owner and
the same protection as the warehouse). A copy holds person ids and birth dates: it is
removed when its file is loaded, and whatever a killed run left behind is removed at the
start of the next load (under the writer lock, so no other load is using it).
"""
import os
import shutil
from pathlib import Path


def arbeitsordner(warehouse: Path) -> Path:
    warehouse = Path(warehouse).resolve()
    return warehouse.with_name(warehouse.name + ".arbeit")


def bereitstellen(warehouse: Path) -> Path:
    """The working folder, private and empty (leftovers of a killed run removed)."""
    folder = arbeitsordner(warehouse)
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    for leftover in folder.iterdir():
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
    return folder
