"""Where the GX Data Docs go, how GX builds them, and the proof that they open offline.

    <reports>/qualitaet/gx/index.html     the Data Docs site (open in a browser)
    <reports>/qualitaet/.gx-ablage/       GX's stores: the newest suite and result per
                                          table and part, from which the site is rebuilt

No great_expectations import here (the checks import it lazily); the views
that keep the pages offline are in kjh.quality.gx_views.
"""
import re
import shutil
from pathlib import Path

SITE_NAME = "kjh"
_REMOTE_URL = re.compile(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)", re.I)


def site_dir(reports: Path) -> Path:
    return Path(reports) / "qualitaet" / "gx"


def ablage_dir(reports: Path) -> Path:
    return Path(reports) / "qualitaet" / ".gx-ablage"


def site_config(site: Path) -> dict:
    view = {"module_name": "kjh.quality.gx_views", "class_name": "OfflinePageView"}
    return {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site)},
        "site_index_builder": {
            "class_name": "DefaultSiteIndexBuilder",
            "view": {"module_name": "kjh.quality.gx_views", "class_name": "OfflineIndexPageView"},
        },
        "site_section_builders": {
            "expectations": {"view": view},
            "validations": {"view": view},
            "profiling": "None",
        },
    }


def build(context, site: Path) -> Path:
    """Rebuild the site from the stores: pages of results no longer stored go away."""
    site.mkdir(parents=True, exist_ok=True)
    for stale in ("validations", "expectations", "index.html"):
        p = site / stale
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
    context.build_data_docs(site_names=[SITE_NAME])
    # GX copies its stylesheets beside the pages (the pages carry their styles
    # inline); the dark-mode logo in them would come from a network.
    for css in (site / "static").rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        offline = _REMOTE_URL.sub("none", text)
        if offline != text:
            css.write_text(offline, encoding="utf-8")
    return site / "index.html"


# A page that opens offline loads no script, stylesheet, font or image from a
# network: no http(s):// or protocol-relative // in src/href of these tags,
# in CSS url(...) or @import.
_EXTERNAL = [
    re.compile(r"<script\b[^>]*\bsrc\s*=\s*['\"]?\s*(?:https?:)?//[^'\" >]*", re.I),
    re.compile(r"<link\b[^>]*\bhref\s*=\s*['\"]?\s*(?:https?:)?//[^'\" >]*", re.I),
    re.compile(r"<img\b[^>]*\bsrc\s*=\s*['\"]?\s*(?:https?:)?//[^'\" >]*", re.I),
    re.compile(r"url\(\s*['\"]?\s*(?:https?:)?//[^)]*\)", re.I),
    re.compile(r"@import\s+(?:url\()?\s*['\"]?\s*(?:https?:)?//[^;]*", re.I),
]


def external_references(site: Path) -> list[str]:
    """Every script, stylesheet, image or font a page of the site would fetch from a network."""
    found = []
    for page in sorted(Path(site).rglob("*")):
        if page.suffix.lower() not in (".html", ".htm", ".css", ".js") or not page.is_file():
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        for pattern in _EXTERNAL:
            found += [f"{page.relative_to(site)}: {m.group(0)[:160]}" for m in pattern.finditer(text)]
    return found
