"""Safe XML parsing: no DTDs, no entity declarations, no external references.

Two tools. `parse_xml` parses a small part whole, refusing any DTD (and so any entity
declaration or external reference) before the root. `check_prolog` streams a part only
until its root element starts: a DTD can appear nowhere else, so this proves a large
part (a sheet, the shared strings) is free of them without decompressing all of it.
"""

from __future__ import annotations

from typing import Iterable
from xml.etree.ElementTree import Element, ParseError, TreeBuilder, XMLParser
from xml.parsers import expat


class XmlError(Exception):
    code = "GATE_STRUCTURE"

    def __init__(self, part: str, detail: str) -> None:
        super().__init__(f"{part}: {detail}")
        self.part = part
        self.detail = detail


class XmlUnsafe(XmlError):
    """A DTD, an entity declaration or an external reference."""

    code = "GATE_XML_UNSAFE"


class XmlMalformed(XmlError):
    code = "GATE_STRUCTURE"


def parse_xml(data: bytes, part: str) -> Element:
    """Parse a whole (already size-capped) part; raises XmlUnsafe or XmlMalformed.

    The prolog check first: a DTD can only come before the root, so refusing it there
    refuses every entity declaration and external reference (what defusedxml, used here
    before, refused). Then the C tree builder, several times cheaper than defusedxml's
    Python one; an error it finds first in the prolog it reports as parse_xml always did."""
    try:
        PrologChecker(part).feed(data)
    except XmlMalformed:
        pass  # the parser below reports it, in its words
    parser = XMLParser(target=TreeBuilder())
    try:
        parser.feed(data)
        return parser.close()
    except (ParseError, ValueError, UnicodeError) as exc:
        raise XmlMalformed(part, f"malformed XML ({_short(exc)})") from None


class _RootReached(Exception):
    pass


class PrologChecker:
    """Feed a part chunk by chunk; `feed` returns True once the root element has started."""

    def __init__(self, part: str) -> None:
        self.part = part
        self.done = False
        self._parser = expat.ParserCreate()
        self._parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self._parser.StartDoctypeDeclHandler = self._doctype
        self._parser.EntityDeclHandler = self._entity
        self._parser.ExternalEntityRefHandler = self._external
        self._parser.StartElementHandler = self._root

    def feed(self, chunk: bytes, final: bool = False) -> bool:
        if self.done:
            return True
        try:
            self._parser.Parse(chunk, final)
        except _RootReached:
            self.done = True
        except expat.ExpatError as exc:
            raise XmlMalformed(self.part, f"malformed XML ({_short(exc)})") from None
        if final and not self.done:
            raise XmlMalformed(self.part, "no root element")
        return self.done

    def _doctype(self, *_args: object) -> None:
        raise XmlUnsafe(self.part, "DTD")

    def _entity(self, *_args: object) -> None:
        raise XmlUnsafe(self.part, "entity declaration")

    def _external(self, *_args: object) -> int:
        raise XmlUnsafe(self.part, "external reference")

    def _root(self, *_args: object) -> None:
        raise _RootReached


def check_prolog(chunks: Iterable[bytes], part: str) -> None:
    """Raise XmlUnsafe/XmlMalformed unless the part reaches its root element cleanly."""
    checker = PrologChecker(part)
    for chunk in chunks:
        if checker.feed(chunk):
            return
    checker.feed(b"", final=True)


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
