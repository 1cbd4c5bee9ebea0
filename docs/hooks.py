"""The images the pages show, served from where the project makes them.

`make screenshots` writes ui/screenshots/, `rag eval` and `rag bench` write their plots to eval/reports/; the
pages link to them by their path from docs/ (`../ui/screenshots/chat.png`), which is also how GitHub shows
them, so there is one copy of each. MkDocs only knows the files inside docs/: this adds each image at the same
path inside the site.
"""

from pathlib import Path

from mkdocs.structure.files import File, InclusionLevel

IMAGES = ("ui/screenshots/*.png", "eval/reports/*.png")


def on_files(files, config):
    root = Path(config.config_file_path).parent
    for pattern in IMAGES:
        for path in sorted(root.glob(pattern)):
            place = path.relative_to(root).as_posix()
            image = File(f"../{place}", config.docs_dir, config.site_dir, config.use_directory_urls, dest_uri=place)
            image.inclusion = InclusionLevel.INCLUDED  # "../" would match MkDocs' default exclusion of '.*'
            files.append(image)
    return files
