"""Pinyin initials, for finding a person or a body by what a clerk types fastest: "lwh"
for 李文华, "cgj" for 城管局. pypinyin reads each character's most common reading."""

from pypinyin import Style, lazy_pinyin


def initials(*names: str) -> str:
    """The initials of each of ``names`` (lower case), space-separated: "lwh", or
    "hhhtscsgl cgj" for a unit's name and short name. Latin letters and digits stay."""
    words = []
    for name in names:
        if name:
            letters = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER))
            words.append("".join(ch for ch in letters if ch.isalnum()).lower())
    return " ".join(word for word in words if word)


def spelled(name: str) -> str:
    """The whole pinyin of ``name``, lower case and without tones or spaces: "liwenhua"
    for 李文华 (ü written v). Latin letters and digits stay; anything else goes."""
    letters = "".join(lazy_pinyin(name or ""))
    return "".join(ch for ch in letters.lower() if ch.isascii() and ch.isalnum())
