"""One spider per registry site: ``scrapy crawl <slug>`` crawls spiders/sites/<slug>.yaml.

Each site file becomes a subclass of the generic DisclosureSpider, created with ``type()`` when
Scrapy imports this module (SPIDER_MODULES = ["spiders"]) and registered in its globals, where
Scrapy's ``iter_spider_classes`` finds it (a module-level class with a ``name`` whose
``__module__`` is this module). The class sets

    name                   the slug
    default_start_urls     the file's start_urls  (``-a start_urls=URL[,URL]`` still overrides)
    allowed_host_patterns  the file's allowed_hosts (``-a allowed_hosts=`` adds to them)
    site                   the SiteConfig itself, for per-site code

Class name: CamelCase slug + ``Spider`` (fj_pingtan -> FjPingtanSpider).

The folder is spiders/sites/ unless the environment variable GOVARCHIVE_SITES_DIR names
another one (tests point it at a temporary registry). It is an environment variable, not a
Scrapy setting, because the classes exist before any crawler and its settings do.

A registry that fails validation raises RegistryError at import, so ``scrapy list`` and every
``scrapy crawl`` stop with the file and the reason instead of running without the site.

(The folder spiders/sites/ has no ``__init__.py``: it is data, and this module wins the name.)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from spiders.disclosure import DisclosureSpider
from spiders.registry import SITES_DIR, RegistryError, SiteConfig, load_registry

if TYPE_CHECKING:
    from collections.abc import Mapping

SITES_DIR_ENV = "GOVARCHIVE_SITES_DIR"


class SiteSpider(DisclosureSpider):
    """Base of the generated site spiders. Not a spider itself: Scrapy skips nameless classes."""

    name = ""
    site: ClassVar[SiteConfig]


def sites_dir() -> Path:
    """The registry folder: $GOVARCHIVE_SITES_DIR, else spiders/sites/."""
    value = os.environ.get(SITES_DIR_ENV, "").strip()
    return Path(value) if value else SITES_DIR


def site_spider(config: SiteConfig) -> type[SiteSpider]:
    """The spider class of one site."""
    source = config.path.name if config.path else f"{config.slug}.yaml"
    attrs = {
        "__module__": __name__,
        "__doc__": f"{config.agency}: the disclosure directory of the registry file {source}.",
        "name": config.slug,
        "default_start_urls": config.start_urls,
        "allowed_host_patterns": config.allowed_hosts,
        "site": config,
    }
    return type(config.spider_class_name, (SiteSpider,), attrs)


def create_spiders(registry: Mapping[str, SiteConfig]) -> dict[str, type[SiteSpider]]:
    """One spider class per site, by class name."""
    spiders: dict[str, type[SiteSpider]] = {}
    for config in registry.values():
        cls = site_spider(config)
        if cls.__name__ in spiders or cls.__name__ in globals():
            # e.g. slugs fj_x and fj__x: both FjXSpider.
            raise RegistryError(
                config.path or config.slug, f"spider class name {cls.__name__} is taken"
            )
        spiders[cls.__name__] = cls
    return spiders


SITE_SPIDERS = create_spiders(load_registry(sites_dir()))
globals().update(SITE_SPIDERS)
