"""The sha256 of a file already read is taken from audit.pruefsummen while the file is
unchanged on disk (path, size, modification time, inode); a file changed in place is
read again, also when its size stayed the same."""
import os

import pytest

from kjh.ingest import load
from tests.conftest import load_folder, query
from tests.exports import write_sozialraeume


@pytest.fixture
def gezaehlt(monkeypatch) -> list:
    gelesen = []
    original = load.sha256_of

    def zaehlend(path):
        gelesen.append(path.name)
        return original(path)

    monkeypatch.setattr(load, "sha256_of", zaehlend)
    return gelesen


def test_unchanged_file_is_not_hashed_again(exports, warehouse_path, gezaehlt):
    write_sozialraeume(exports)
    erst = load_folder(exports, warehouse_path)
    zweit = load_folder(exports, warehouse_path)
    assert gezaehlt == ["sozialraeume_20200101.csv"]
    assert erst["sozialraeume_20200101.csv"].status == "angenommen"
    assert zweit["sozialraeume_20200101.csv"].bereits_geladen
    (sha,), = query(warehouse_path, "select sha256 from audit.pruefsummen")
    assert sha == query(warehouse_path, "select sha256 from audit.lieferungen")[0][0]


def test_file_changed_in_place_with_the_same_size_is_read_again(exports, warehouse_path, gezaehlt):
    datei = write_sozialraeume(exports)
    load_folder(exports, warehouse_path)
    text = datei.read_bytes()
    anders = text.replace(b"Ostkreis", b"Oskreist", 1)
    assert len(anders) == len(text) and anders != text
    st = datei.stat()
    datei.write_bytes(anders)
    os.utime(datei, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    outcomes = load_folder(exports, warehouse_path)
    assert gezaehlt == ["sozialraeume_20200101.csv"] * 2
    assert not outcomes["sozialraeume_20200101.csv"].bereits_geladen
    assert len(query(warehouse_path, "select * from audit.pruefsummen")) == 1
