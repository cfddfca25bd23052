"""Editor Markdown is rendered through nh3: whatever an editor (or a stolen editor account) types,
no script, event handler, style or dangerous link scheme reaches the public page."""

import re

import pytest

from allianz_portal.text import render_markdown

VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<a href="javascript:alert(1)">klick</a>',
    '<a href="JaVaScRiPt:alert(1)">klick</a>',
    '<a href="jav&#x09;ascript:alert(1)">klick</a>',
    '<a href="&#106;avascript:alert(1)">klick</a>',
    '<a href=" javascript:alert(1)">klick</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">klick</a>',
    '<a href="vbscript:msgbox(1)">klick</a>',
    "[klick](javascript:alert(1))",
    "[klick](JAVASCRIPT:alert(1))",
    "[klick](javascript&#58;alert(1))",
    "[klick](<javascript:alert(1)>)",
    "[klick][ref]\n\n[ref]: javascript:alert(1)",
    "![bild](javascript:alert(1))",
    "<javascript:alert(1)>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="position:fixed;inset:0">overlay</div>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example/"><input name=p></form>',
    '<a href="https://example.org" onclick="alert(1)" onmouseover="alert(1)">x</a>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<details open ontoggle=alert(1)>",
    '"><script>alert(1)</script>',
    "`<script>alert(1)</script>`",
    "<!--><script>alert(1)</script>-->",
    "<scr<script>ipt>alert(1)</script>",
]

DANGEROUS = re.compile(
    r"<\s*(script|style|iframe|object|embed|svg|math|form|input|meta|base|link|img|details)\b"
    r"|\son\w+\s*="
    r"|\sstyle\s*="
    r"|href\s*=\s*[\"']?\s*(javascript|vbscript|data):"
    r"|src\s*=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("source", VECTORS)
def test_markdown_cannot_inject_active_content(source):
    html = str(render_markdown(source))
    assert not DANGEROUS.search(html), html


@pytest.mark.parametrize("source", ["[Seite](https://example.org)", '<a href="https://example.org">Seite</a>'])
def test_links_keep_working_and_open_without_opener(source):
    html = str(render_markdown(source))
    assert 'href="https://example.org"' in html
    assert re.search(r'rel="[^"]*\bnoopener\b', html)


def test_mail_and_phone_links_survive():
    html = str(render_markdown("[Mail](mailto:redaktion@example.org) [Telefon](tel:+492111234)"))
    assert 'href="mailto:redaktion@example.org"' in html and 'href="tel:+492111234"' in html
