"""Chinese numerals for session labels (十三届三次会议)."""

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """Write 1..99 the way session labels do: 3 -> 三, 10 -> 十, 13 -> 十三, 21 -> 二十一."""
    if not 0 < number < 100:
        raise ValueError(f"expected 1..99, got {number}")
    tens, ones = divmod(number, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _DIGITS[tens]) + "十"
    if ones:
        text += _DIGITS[ones]
    return text
