"""Debian's Chromium, driven by Playwright, for the browser tests and the README screenshots."""

import shutil

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_available() -> bool:
    return shutil.which(CHROMIUM) is not None


def launch(playwright):
    """A headless Chromium that never reaches outside this machine on its own."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
