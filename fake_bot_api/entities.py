"""Telegram's HTML parse mode (mirrors tdlib's parse_html, optionally stricter about "&")."""

from __future__ import annotations

from dataclasses import dataclass

from fake_bot_api.limits import JSONDict


class EntityParseError(ValueError):
    """Raised with tdlib's wording when text can't be parsed in HTML mode."""


_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n\v\f\0"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for limits and entity offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass
class ParsedText:
    """Visible text plus entities, i.e. what Telegram stores after parsing."""

    text: str
    entities: list[JSONDict]


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    offset: int
    out_index: int
    begin: int


def _decode_entity(source: str, pos: int, strict: bool) -> tuple[str | None, int]:
    """Decode an HTML character reference at pos like tdlib; returns (char or None, end)."""
    n = len(source)
    end = pos + 1
    if end < n and source[end] == "#":
        end += 1
        code = 0
        digits = 0
        if end < n and source[end] == "x":
            end += 1
            while end < n and source[end] in "0123456789abcdefABCDEF":
                code = code * 16 + int(source[end], 16)
                end += 1
                digits += 1
        else:
            while end < n and source[end].isascii() and source[end].isdigit():
                code = code * 10 + int(source[end])
                end += 1
                digits += 1
        if digits == 0 or code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None, pos
        if 0xD800 <= code <= 0xDFFF:
            raise EntityParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        decoded = chr(code)
    else:
        while end < n and source[end].isascii() and source[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(source[pos + 1 : end])
        if named is None:
            return None, pos
        decoded = named
    if end < n and source[end] == ";":
        return decoded, end + 1
    if strict:
        return None, pos
    return decoded, end


def parse_html(source: str, *, strict: bool = True) -> ParsedText:
    """Parse Telegram HTML into visible text and entities, raising EntityParseError like tdlib.

    With strict=True (the default) an "&" that doesn't start a complete entity (with ";") is an
    error, as Telegram's docs demand; real Telegram shows such an "&" literally instead. Strict
    mode also requires href on <a>. strict=False follows tdlib exactly.
    """
    n = len(source)
    out: list[str] = []
    utf16 = 0
    stack: list[_OpenTag] = []
    entities: list[JSONDict] = []

    def at(pos: int) -> int:
        return len(source[:pos].encode("utf-8", "surrogatepass"))

    i = 0
    while i < n:
        ch = source[i]
        if ch == "&":
            decoded, end = _decode_entity(source, i, strict)
            if decoded is not None:
                out.append(decoded)
                utf16 += utf16_len(decoded)
                i = end
                continue
            if strict:
                raise EntityParseError(
                    f'Unescaped "&" at byte offset {at(i)}: write &amp; '
                    "(real Telegram would show it literally; this fake is strict)"
                )
        if ch != "<":
            out.append(ch)
            utf16 += utf16_len(ch)
            i += 1
            continue

        begin = i
        i += 1
        if i < n and source[i] == "/":
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {at(begin)}")
            j = i + 1
            while j < n and source[j] not in _SPACES and source[j] != ">":
                j += 1
            end_name = source[i + 1 : j].lower()
            while j < n and source[j] in _SPACES:
                j += 1
            if j >= n or source[j] != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {at(begin)}")
            top = stack[-1]
            if end_name and end_name != top.name:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {at(begin)}, expected "</{top.name}>", '
                    f'found "</{end_name}>"'
                )
            if utf16 > top.offset:
                _close_entity(top, utf16 - top.offset, "".join(out[top.out_index :]), entities)
            stack.pop()
            i = j + 1
            continue

        j = i
        while j < n and source[j] not in _SPACES and source[j] != ">":
            j += 1
        if j >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {at(begin)}")
        name = source[i:j].lower()
        if name not in _SUPPORTED_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {at(begin)}')
        i = j
        attrs: dict[str, str] = {}
        while True:
            while i < n and source[i] in _SPACES:
                i += 1
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {at(begin)}")
            if source[i] == ">":
                break
            attr_begin = i
            while i < n and source[i] not in _SPACES and source[i] not in "=>":
                i += 1
            attr_name = source[attr_begin:i]
            if not attr_name:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset {at(begin)}'
                )
            while i < n and source[i] in _SPACES:
                i += 1
            if i >= n:
                raise EntityParseError(f'Unclosed start tag "{name}" at byte offset {at(begin)}')
            if source[i] != "=":
                if name == "blockquote" and attr_name.lower() == "expandable":
                    attrs["expandable"] = ""
                    continue
                raise EntityParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {at(begin)}'
                )
            i += 1
            while i < n and source[i] in _SPACES:
                i += 1
            if i >= n:
                raise EntityParseError(f'Unclosed start tag "{name}" at byte offset {at(begin)}')
            if source[i] not in "'\"":
                token_begin = i
                while i < n and source[i].isascii() and (source[i].isalnum() or source[i] in ".-"):
                    i += 1
                value = source[token_begin:i].lower()
                if i >= n or (source[i] not in _SPACES and source[i] != ">"):
                    raise EntityParseError(
                        f"Unexpected end of name token at byte offset {at(token_begin)}"
                    )
            else:
                quote = source[i]
                i += 1
                chars: list[str] = []
                while i < n and source[i] != quote:
                    if source[i] == "&":
                        decoded, end = _decode_entity(source, i, strict)
                        if decoded is not None:
                            chars.append(decoded)
                            i = end
                            continue
                        if strict:
                            raise EntityParseError(
                                f'Unescaped "&" at byte offset {at(i)} in an attribute of the tag '
                                f'"{name}": write &amp; (real Telegram would accept it)'
                            )
                    chars.append(source[i])
                    i += 1
                if i < n:
                    i += 1
                value = "".join(chars)
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {at(begin)}")
            attrs[attr_name] = value
        i += 1  # skip ">"
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {at(begin)}'
            )
        if strict and name == "a" and not attrs.get("href"):
            raise EntityParseError(
                f'Tag "a" must have a non-empty "href" attribute at byte offset {at(begin)} '
                "(this fake is strict; Telegram would use the link text)"
            )
        stack.append(_OpenTag(name, attrs, utf16, len(out), begin))

    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), entities)


def _close_entity(tag: _OpenTag, length: int, inner: str, entities: list[JSONDict]) -> None:
    """Append the entity produced by a closed tag, following tdlib's pre/code merging."""
    entity: JSONDict = {"type": _TAG_ENTITY[tag.name], "offset": tag.offset, "length": length}
    last = entities[-1] if entities else None
    same_range = last is not None and last["offset"] == tag.offset and last["length"] == length
    if tag.name == "a":
        url = tag.attrs.get("href") or inner
        if not url:
            return
        entity["url"] = url
    elif tag.name == "tg-emoji":
        emoji_id = tag.attrs.get("emoji-id", "")
        if not emoji_id.isdigit() or int(emoji_id) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
        entity["custom_emoji_id"] = emoji_id
    elif tag.name == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "code":
        css = tag.attrs.get("class", "")
        language = css[len("language-") :] if css.startswith("language-") else ""
        if last is not None and same_range and last["type"] == "pre" and language:
            last["language"] = language
            return
        if language:
            entity["language"] = language
    elif (
        tag.name == "pre"
        and last is not None
        and same_range
        and last["type"] == "code"
        and last.get("language")
    ):
        last["type"] = "pre"
        return
    entities.append(entity)
