"""Formula text as written by Excel: qualifiers in front of ``CP_`` names removed, omitted
``CP_`` arguments marked.
"""

from __future__ import annotations

import re

_FORMULA_TOKENS = re.compile(
    r"""
      (?P<string>"(?:[^"]|"")*")                  # string literal: left alone
    | (?P<qualifier>
          (?:
              '(?:[^']|'')+'!                     # 'C:\…\cpxl.xlam'!
            | (?<![\w.\]'])\[\d+\]!               # [1]!  (externalLink index)
            | (?<![\w.\]'])[^\s'"!(),;=+\-*/&^<>{}%]+!   # cpxl.xlam!
          )?
          (?:_xl(?:fn|udf|ws)\.)*                 # _xludf. / _xlfn. prefixes
      )
      (?<!\w)(?P<name>CP_\w+)(?=\s*\()               # not the tail of MYCP_X(
    | (?P<quoted>'(?:[^']|'')*')(?P<bang>!?)       # a quoted sheet reference
    """,
    re.IGNORECASE | re.VERBOSE,
)


def normalize_formula(text: str, sheet_aliases: dict[str, str] | None = None) -> str:
    """Formula text `formulas` can evaluate: qualifiers before ``CP_`` names removed.

    ``'C:\\Users\\x\\…\\cpxl.xlam'!CP_NPV(…)``, ``[1]!CP_NPV(…)``, ``cpxl.xlam!CP_NPV(…)``
    and ``_xludf.CP_NPV(…)`` all become ``CP_NPV(…)``; text inside string literals is never
    touched. ``sheet_aliases`` (upper-cased sheet name -> alias) renames quoted sheet
    references, for sheet names the evaluator cannot parse.
    """
    aliases = sheet_aliases or {}

    def repl(m: re.Match) -> str:
        if m.group("name"):
            return m.group("name").upper()
        if m.group("quoted") and m.group("bang") and aliases:
            name = m.group("quoted")[1:-1].replace("''", "'")
            alias = aliases.get(name.upper())
            if alias is not None:
                return "'" + alias.replace("'", "''") + "'!"
        return m.group(0)

    if "CP_" not in text.upper() and not aliases:
        return text
    return _FORMULA_TOKENS.sub(repl, text)


# An omitted CP_ argument (=CP_TCE(2,"电力",,"万kWh")) evaluates to 0 in `formulas`; Excel
# hands the function its default instead. The evaluated copy carries this literal there.
OMITTED = "\u2039cpxl:omitted\u203a"

_OMITTED_LITERAL = f'"{OMITTED}"'

_CP_CALL = re.compile(r"(?<![\w.])CP_\w+\s*$", re.IGNORECASE)


def _mark_omitted(text: str) -> str:
    """Put the OMITTED literal where a CP_ call has an empty argument."""
    if "CP_" not in text.upper() or ("," not in text):
        return text
    out: list[str] = []
    # one frame per open parenthesis: [is a CP_ call, argument empty so far, commas seen]
    frames: list[list] = []
    braces = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'":  # string literal or quoted name: copied whole
            j = i + 1
            while j < n:
                if text[j] == ch:
                    if j + 1 < n and text[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            out.append(text[i : j + 1])
            if frames:
                frames[-1][1] = False
            i = j + 1
            continue
        if ch == "{":
            braces += 1
        elif ch == "}":
            braces -= 1
        elif ch == "(":
            if frames:
                frames[-1][1] = False
            frames.append([bool(_CP_CALL.search("".join(out[-80:]))), True, 0])
            out.append(ch)
            i += 1
            continue
        elif frames and braces == 0 and ch in ",)":
            frame = frames[-1]
            if frame[0] and frame[1] and (ch == "," or frame[2]):
                out.append(_OMITTED_LITERAL)
            if ch == ",":
                frame[1], frame[2] = True, frame[2] + 1
            else:
                frames.pop()
                if frames:
                    frames[-1][1] = False
            out.append(ch)
            i += 1
            continue
        if frames and not ch.isspace():
            frames[-1][1] = False
        out.append(ch)
        i += 1
    return "".join(out)
