"""Write the demo corpus's WARC file from the pages in `warc_pages/`.

The .warc.gz is committed so the demo needs no generation step; run this only after editing a page:

    python -m wiretrace.demo.make_warc

Each page becomes a request record and an HTML response record, as a crawler writes them, and one
robots.txt response is added so the reader's "skip what is not HTML" path is exercised too. Dates are
fixed, so the output is the same bytes on every run.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

HERE = Path(__file__).parent
PAGES = {
    "c9-news-water.html": ("https://c9news.example/lisseran/water-board-ammonia-drinking-water-carrowby",
                           "2024-03-12T17:55:02Z"),
    "valley-sentinel-followup.html": ("https://valleysentinel.example/news/carrowby-hospital-number-rises",
                                      "2024-03-14T13:20:41Z"),
}


def write_warc(target: Path) -> None:
    """Write every page of `warc_pages/` (plus a robots.txt) to `target` as gzipped WARC records."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(target, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        robots = b"User-agent: *\nAllow: /\n"
        records = [("https://c9news.example/robots.txt", "2024-03-12T17:55:01Z", "text/plain", robots)]
        for name, (url, date) in PAGES.items():
            records.append((url, date, "text/html; charset=utf-8", (HERE / "warc_pages" / name).read_bytes()))
        for url, date, ctype, body in records:
            headers = [("WARC-Date", date), ("WARC-Record-ID", f"<urn:wiretrace-demo:{url}>")]
            request = writer.create_warc_record(
                url, "request", payload=BytesIO(b""), warc_headers_dict=dict(headers),
                http_headers=StatusAndHeaders(f"GET {url[url.index('/', 8):]} HTTP/1.1", [("Host", url.split("/")[2])],
                                              is_http_request=True),
            )
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                                    protocol="HTTP/1.1")
            response = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http,
                                                 warc_headers_dict=dict(headers))
            writer.write_record(request)
            writer.write_record(response)


if __name__ == "__main__":
    write_warc(HERE / "corpus" / "warc" / "crawl.warc.gz")
