"""Copy the main pages' screenshots, taken by the browser tests (tests/artifacts/page-*-sqlite.png,
made by ``make test``), into docs/screenshots/, cut to their first screenful: the pictures the README
and docs/service.md show. Run by hand after the pages change, then commit the images.

Usage: .venv/bin/python docs/screenshots.py
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
TARGET = ROOT / "docs" / "screenshots"
HEIGHT = 1100  # pixels kept from the top of each page (1280 wide)
PAGES = {  # the picture's name -> the test's screenshot
    "home": "page-home-en", "standard-zh": "page-standard-zh", "leaderboard": "page-leaderboard-en",
    "dataset": "page-dataset-en", "card": "page-card-explained-en", "dashboard": "page-dashboard-en",
    "upload": "page-upload-en", "campaign-zh": "page-campaign-zh", "workspace": "page-workspace-en",
    "calibration": "page-calibration-en", "comparison": "page-comparison-en", "consultation": "page-consultation-en",
    "admin-queue": "page-admin-queue-en",
}


def main() -> None:
    from PIL import Image

    TARGET.mkdir(exist_ok=True)
    for name, shot in PAGES.items():
        with Image.open(ARTIFACTS / f"{shot}-sqlite.png") as image:
            top = image.crop((0, 0, image.width, min(image.height, HEIGHT)))
            top.convert("RGB").quantize(colors=256).save(TARGET / f"{name}.png", optimize=True)
        print(f"wrote docs/screenshots/{name}.png")


if __name__ == "__main__":
    main()
