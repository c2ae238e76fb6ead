"""A small HTML tree for assertions on rendered pages (the standard library's parser): find
elements by tag, id, class or attribute, read their attributes and text. It nests elements as
a browser would for the cases the portal meets (void elements, a paragraph closed by a block),
not the whole HTML parsing algorithm."""

from html.parser import HTMLParser

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
# A start tag of these closes an open <p>, as browsers parse it: <p><ul> is an empty paragraph
# followed by a list.
CLOSES_P = {
    "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol",
    "p", "pre", "section", "table", "ul",
}  # fmt: skip


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def __getitem__(self, name: str) -> str:
        return self.attrs[name]

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, *, class_: str | None = None, **attrs):
        """Descendants with this tag, class and attributes (``True`` means present)."""
        found = []
        for element in self.iter():
            if tag and element.tag != tag:
                continue
            if class_ and class_ not in element.classes:
                continue
            if all(
                (name in element.attrs) if value is True else element.attrs.get(name) == value
                for name, value in attrs.items()
            ):
                found.append(element)
        return found

    def find(self, tag: str | None = None, **kwargs):
        found = self.find_all(tag, **kwargs)
        return found[0] if found else None

    def by_id(self, id_: str):
        return self.find(id=id_)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        if tag in CLOSES_P and self.current.tag == "p":
            self.current = self.current.parent
        element = Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str | bytes) -> Element:
    builder = _Builder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    builder.close()
    return builder.root
