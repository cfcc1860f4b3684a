"""Packaging for a Scrapyd egg only (``scrapyd-deploy`` runs ``setup.py bdist_egg``).

The runtime dependencies are pinned in requirements.txt and installed on the Scrapyd host;
the egg carries the project's own code plus the data files it reads at run time.
"""

from setuptools import find_packages, setup

# What the crawl needs at run time (sample_site/ and tests/ stay out).
PACKAGES = ("crawler", "spiders", "pipelines", "extraction")

setup(
    name="govarchive",
    version="0.1",
    packages=find_packages(include=[f"{name}{tail}" for name in PACKAGES for tail in ("", ".*")]),
    # The egg's settings entry point: unpacks the egg, then loads crawler.settings.
    py_modules=["govarchive_egg"],
    package_data={
        "crawler": ["schemas/*.json"],
        "spiders": ["sites/*.yaml"],
    },
    entry_points={"scrapy": ["settings = govarchive_egg"]},
    zip_safe=False,
)
