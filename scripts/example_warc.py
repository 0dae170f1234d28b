"""Write a small example crawl, as a WARC file, from the project's own fixture pages.

For the README's worked example: speeches, a notice, the same speech at a mirror URL,
an image and a missing page, as a web archive would hold them. No outside text.

    python scripts/example_warc.py example/crawl.warc.gz
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.archives, the WARC writer the tests use

from tests.archives import Response, write_warc  # noqa: E402

PAGES = ROOT / "tests" / "fixtures" / "pages"
SITE = "http://www.example.gov.cn"


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    out.parent.mkdir(parents=True, exist_ok=True)
    speech = (PAGES / "html_gov_portal_speech.html").read_bytes()
    records = [
        Response(f"{SITE}/ldjh/202304/t20230410_1.html", speech, date="2023-04-10T09:00:00Z"),
        Response(f"{SITE}/ldjh/202107/t20210302_7.php", (PAGES / "php_county_portal_speech.php").read_bytes(), date="2023-04-10T09:00:05Z"),
        Response(
            f"{SITE}/zwgk/gbk.html", (PAGES / "html_gov_gbk_meta.html").read_bytes(), "text/html; charset=gbk", date="2023-04-10T09:00:10Z"
        ),
        Response(f"{SITE}/tzgg/t20230601_2.html", (PAGES / "html_notice_not_speech.html").read_bytes(), date="2023-04-10T09:00:15Z"),
        Response("http://mirror.example.com/2023/speech.html", speech, date="2023-05-02T12:00:00Z"),
        Response(f"{SITE}/images/banner.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png", date="2023-04-10T09:00:20Z"),
        Response(f"{SITE}/ldjh/old.html", b"<html><body>Not Found</body></html>", status="404 Not Found", date="2023-04-10T09:00:25Z"),
    ]
    write_warc(out, records)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
