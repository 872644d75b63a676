"""GX page views that render Data Docs which open offline.

GX's page templates load Bootstrap, jQuery, bootstrap-table, Vega and Font
Awesome from CDNs (render/view/templates/page.j2, js_script_imports.j2, ...);
offline the index tables stay empty and the layout breaks. These views put
kjh's templates (data_docs_assets/templates) in front of GX's own: the same
pages, with a small inline stylesheet and script instead of the CDN files and
the tables rendered on the server. GX's site builder instantiates them by
module and class name (see kjh.quality.data_docs.site_config).

Imports great_expectations: only ever imported while Data Docs are built.
"""
import re
from pathlib import Path

from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import ChoiceLoader, DictLoader, FileSystemLoader, PackageLoader

ASSETS = Path(__file__).with_name("data_docs_assets")
_REMOTE_URL = re.compile(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)")


def _default_styles_offline() -> str:
    """GX's default stylesheet without its one remote image (dark-mode logo)."""
    loader = PackageLoader("great_expectations", "render/view/static/styles")
    source, _, _ = loader.get_source(None, "data_docs_default_styles.css")
    return _REMOTE_URL.sub("none", source)


def _offline(env) -> None:
    env.loader = ChoiceLoader([
        FileSystemLoader(str(ASSETS / "templates")),
        DictLoader({"data_docs_default_styles.css": _default_styles_offline()}),
        env.loader,
    ])
    env.globals["kjh_offline_css"] = (ASSETS / "kjh_offline.css").read_text(encoding="utf-8")
    env.globals["kjh_offline_js"] = (ASSETS / "kjh_offline.js").read_text(encoding="utf-8")


class OfflinePageView(DefaultJinjaPageView):
    def __init__(self, custom_styles_directory=None, custom_views_directory=None) -> None:
        super().__init__(custom_styles_directory, custom_views_directory)
        _offline(self.env)


class OfflineIndexPageView(DefaultJinjaIndexPageView):
    def __init__(self, custom_styles_directory=None, custom_views_directory=None) -> None:
        super().__init__(custom_styles_directory, custom_views_directory)
        _offline(self.env)
