#!/usr/bin/env python3
"""Crawl a running Hexitime as a visitor and as a member: every page its header links to, and every
static file those pages (and their style sheets) reference, must answer 200.

CI runs it against `make serve` (production settings, gunicorn, PostgreSQL):

    scripts/crawl.py http://127.0.0.1:8100 --email amara@demo.hexitime.test --password hexitime-demo

Standard library only, so it runs from any Python 3 without the project's virtual environment.
Prints one line per failure and a summary; exits 1 when anything did not answer 200.
"""

import argparse
import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

STATIC_PREFIX = "/static/"
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class PageLinks(HTMLParser):
    """Links inside <header> (the navigation and the account bar) and every static reference."""

    def __init__(self) -> None:
        super().__init__()
        self.depth_in_header = 0
        self.nav_links: list[str] = []
        self.static: list[str] = []
        self.csrf_token = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "header":
            self.depth_in_header += 1
        if tag == "a" and self.depth_in_header and values.get("href", "").startswith("/"):
            self.nav_links.append(values["href"])
        for name in ("href", "src"):
            if values.get(name, "").startswith(STATIC_PREFIX):
                self.static.append(values[name])
        if tag == "input" and values.get("name") == "csrfmiddlewaretoken":
            self.csrf_token = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "header" and self.depth_in_header:
            self.depth_in_header -= 1


class Crawler:
    def __init__(self, base: str) -> None:
        if not base.startswith(("http://", "https://")):
            sys.exit(f"crawl: give an http:// or https:// address, not {base!r}")
        self.base = base.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.failures: list[str] = []
        self.pages: set[str] = set()
        self.static: set[str] = set()

    def fetch(self, path: str, data: bytes | None = None) -> tuple[int, str, str]:
        """Status, final path and body of one request (redirects followed)."""
        url = self.base + path  # http(s) only: checked in __init__
        request = urllib.request.Request(url, data=data, headers={"Referer": self.base + "/"})  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                body = response.read().decode("utf-8", errors="replace")
                return response.status, urllib.parse.urlsplit(response.url).path, body
        except urllib.error.HTTPError as error:
            return error.code, path, error.read().decode("utf-8", errors="replace")

    def log_in(self, email: str, password: str) -> None:
        _status, _path, body = self.fetch("/accounts/login/")
        parser = PageLinks()
        parser.feed(body)
        form = urllib.parse.urlencode(
            {"login": email, "password": password, "csrfmiddlewaretoken": parser.csrf_token}
        ).encode()
        status, path, _body = self.fetch("/accounts/login/", data=form)
        if status != 200 or path.startswith("/accounts/login"):
            sys.exit(f"crawl: could not log in as {email} (ended on {path} with {status})")

    def crawl(self, label: str) -> None:
        """Start at the home page and the dashboard; visit each header link once, then the static files."""
        queue = ["/", "/dashboard/"]
        seen: set[str] = set()
        static: set[str] = set()
        while queue:
            path = queue.pop(0)
            if path in seen or path.startswith("/accounts/logout"):
                continue
            seen.add(path)
            status, _final, body = self.fetch(path)
            if status != 200:
                self.failures.append(f"{label}: {path} answered {status}")
                continue
            parser = PageLinks()
            parser.feed(body)
            queue.extend(link.split("#")[0] for link in parser.nav_links if link.split("#")[0] not in seen)
            static.update(parser.static)
        for path in sorted(static):
            self.check_static(label, path, static)
        self.pages |= {f"{label} {p}" for p in seen}
        self.static |= static

    def check_static(self, label: str, path: str, known: set[str]) -> None:
        status, _final, body = self.fetch(path)
        if status != 200:
            self.failures.append(f"{label}: static {path} answered {status}")
            return
        if path.endswith(".css"):
            for reference in CSS_URL.findall(body):
                if reference.startswith("data:"):
                    continue
                target = urllib.parse.urljoin(path, reference).split("#")[0].split("?")[0]
                if target not in known:
                    known.add(target)
                    self.check_static(label, target, known)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="e.g. http://127.0.0.1:8100")
    parser.add_argument("--email", help="a member to crawl as, after the anonymous visitor")
    parser.add_argument("--password")
    args = parser.parse_args()

    crawler = Crawler(args.base)
    crawler.crawl("visitor")
    if args.email:
        crawler.log_in(args.email, args.password or "")
        crawler.crawl("member")
    for failure in crawler.failures:
        print(f"crawl: {failure}")
    print(
        f"crawl: {len(crawler.pages)} pages and {len(crawler.static)} static files, "
        f"{len(crawler.failures)} not answering 200"
    )
    sys.exit(1 if crawler.failures else 0)


if __name__ == "__main__":
    main()
