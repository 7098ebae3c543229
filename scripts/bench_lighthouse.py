"""Benchmark (not a test): Lighthouse scores of the built site, mobile preset.

Serves ``_build/html`` on localhost and runs Lighthouse (from npm: ``node_modules/.bin``,
installed by ``make bench-site``) with the system Chromium against the root index (the
redirect to the introduction, measured as the page it lands on), the briefing and the
forecast chapter. Prints performance and accessibility (0-100) and the main timings per page.

The local server serves the files as a static host does. GitHub Pages and Netlify, where a
copy of the report would be published, compress text (HTML, CSS, JavaScript, JSON, SVG) with
gzip or brotli and send ``Content-Encoding`` and a ``Cache-Control`` header; Python's
``http.server`` does neither, so Lighthouse would time every byte of the 0.9 MiB Vega bundle
and the theme's stylesheet uncompressed, which no reader ever downloads. This server gzips text
types for clients that accept it (brotli is not in the standard library; gzip is what GitHub
Pages sends to most clients) and sends GitHub Pages' ``Cache-Control: max-age=600``. Each run
of Lighthouse starts with an empty cache, so the cache header changes no score; it is there so
the cache audit reads a real host's policy.

Targets (issue 12): mobile performance >= 80, accessibility 100. Lighthouse's mobile preset
simulates a slow phone and network, so the figures depend little on this machine's load, but
they are not exact: run it twice before reading much into a few points.

    make book && make bench-site
    .venv/bin/python scripts/bench_lighthouse.py --runs 3 --page book/ch1-capital.html
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PAGES = ["index.html", "book/briefing.html", "book/ch5-forecast.html"]
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run "
                "--disable-default-apps --disable-extensions")
AUDITS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
          "cumulative-layout-shift", "speed-index", "total-byte-weight")


# What GitHub Pages compresses: text types, not images, fonts (woff2 is compressed already)
# or PDFs.
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml",
                    "application/xml")
CACHE_CONTROL = "max-age=600"  # GitHub Pages' header for every file


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """``http.server``'s file handler, with a static host's compression and cache header."""

    def log_message(self, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", CACHE_CONTROL)
        super().end_headers()

    def _compressed_file(self) -> tuple[bytes, str, os.stat_result] | None:
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not self.path.split("?", 1)[0].endswith("/"):
                return None  # the base class redirects to the slash
            path = os.path.join(path, "index.html")
        ctype = self.guess_type(path)
        accepts = self.headers.get("Accept-Encoding", "")
        if (not os.path.isfile(path) or not ctype.startswith(COMPRESSED_TYPES)
                or "gzip" not in accepts.lower()):
            return None
        stat = os.stat(path)
        return _gzipped(path, stat.st_mtime_ns), ctype, stat

    def _send_compressed(self, head_only: bool) -> bool:
        found = self._compressed_file()
        if found is None:
            return False
        body, ctype, stat = found
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.end_headers()
        if not head_only:
            self.wfile.write(body)
        return True

    def do_GET(self) -> None:  # noqa: N802 (the base class's name)
        if not self._send_compressed(head_only=False):
            super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if not self._send_compressed(head_only=True):
            super().do_HEAD()


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # Lighthouse closed the tab
            super().handle_error(request, client_address)


def _serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    httpd = _Server(
        ("127.0.0.1", 0), functools.partial(StaticHost, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_port}"


def _lighthouse(url: str, chromium: str, out_dir: Path) -> dict:
    report = out_dir / "report.json"
    env = dict(os.environ, CHROME_PATH=chromium)
    cmd = [str(LIGHTHOUSE), url, "--only-categories=performance,accessibility",
           "--output=json", f"--output-path={report}", f"--chrome-flags={CHROME_FLAGS}",
           "--quiet", "--no-enable-error-reporting", "--form-factor=mobile"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    if proc.returncode != 0 or not report.exists():
        raise RuntimeError(f"lighthouse failed on {url}:\n{proc.stderr[-2000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--page", action="append", help="page path (default: three pages)")
    parser.add_argument("--runs", type=int, default=1, help="runs per page (median shown)")
    args = parser.parse_args(argv)
    chromium = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not (args.site / "index.html").is_file():
        print(f"no built site at {args.site}: run `make book` first", file=sys.stderr)
        return 2
    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} is missing: run `npm ci` (make bench-site does)", file=sys.stderr)
        return 2
    httpd, base = _serve(args.site)
    print(f"Lighthouse (mobile preset, simulated throttling), Chromium {chromium}, "
          f"{args.runs} run(s) per page, median shown")
    print(f"{'page':<26}{'perf':>5}{'a11y':>6}{'FCP s':>7}{'LCP s':>7}{'TBT ms':>8}"
          f"{'CLS':>6}{'SI s':>6}{'KiB':>7}  failed a11y audits")
    try:
        for page in args.page or PAGES:
            rows = []
            for _ in range(args.runs):
                with tempfile.TemporaryDirectory() as tmp:
                    rows.append(_lighthouse(f"{base}/{page}", chromium, Path(tmp)))
            perf = statistics.median(r["categories"]["performance"]["score"] * 100
                                     for r in rows)
            a11y = statistics.median(r["categories"]["accessibility"]["score"] * 100
                                     for r in rows)
            audits = {a: statistics.median(r["audits"][a]["numericValue"] for r in rows)
                      for a in AUDITS}
            failed = sorted({aid for r in rows for aid in
                             (ref["id"] for ref in r["categories"]["accessibility"]["auditRefs"])
                             if r["audits"][aid].get("score") == 0})
            print(f"{page:<26}{perf:>5.0f}{a11y:>6.0f}"
                  f"{audits['first-contentful-paint'] / 1000:>7.1f}"
                  f"{audits['largest-contentful-paint'] / 1000:>7.1f}"
                  f"{audits['total-blocking-time']:>8.0f}"
                  f"{audits['cumulative-layout-shift']:>6.2f}"
                  f"{audits['speed-index'] / 1000:>6.1f}"
                  f"{audits['total-byte-weight'] / 1024:>7.0f}  {', '.join(failed) or '-'}")
    finally:
        httpd.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
