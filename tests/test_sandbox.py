"""The bounded jinja environment report templates render in (cpxl.report.sandbox, through export's
``jinja_env``): every way a template can ask for something huge is refused before it is made, with a
Chinese message naming the size asked for and the limit; ordinary templates render as before.

Limits (cpxl.report.sandbox): 2,000,000 characters per string, 200,000 items per sequence, 100,000 bits
per integer, 2,000,000 numbers from range() per render, tojson indent 1,000."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from cpxl.report.export import jinja_env
from cpxl.report.sandbox import TemplateLimit


def render(source: str, **context) -> str:
    return jinja_env().from_string(source).render(**context)


def refused(source: str, **context) -> str:
    with pytest.raises(TemplateLimit) as info:
        render(source, **context)
    assert isinstance(info.value, SecurityError)  # jinja's own refusal class: callers catching it still do
    return str(info.value)


STRING_LIMIT = "（上限 2,000,000）"
SEQUENCE_LIMIT = "（上限 200,000）"


@pytest.mark.parametrize(("source", "made"), [
    ("{{ 'x' * 10**9 }}", "1,000,000,000"),  # 1 × 10⁹ characters
    ("{{ 10**9 * 'x' }}", "1,000,000,000"),  # either order
    ("{{ ('a' * 1500000) + ('b' * 1500000) }}", "3,000,000"),  # 1.5 M + 1.5 M
    ("{{ ('a' * 1500000) ~ ('b' * 1500000) }}", "3,000,000"),  # the ~ concatenation: the same sum
    ("{{ 'x'.ljust(3000000) }}", "3,000,000"),
    ("{{ 'x'.center(2000001) }}", "2,000,001"),  # one over
    ("{{ ('\t' * 1000).expandtabs(5000) }}", "5,001,000"),  # 1 000 characters + 1 000 tabs × 5 000
    ("{{ ('a' * 1000).replace('a', 'b' * 5000) }}", "5,000,000"),  # 1 000 + 1 000 × (5 000 − 1)
    ("{{ ('y' * 1000).join(['a'] * 3000) }}", "3,002,000"),  # 3 000 items × 1 + 2 999 separators × 1 000
    ("{{ (['a' * 1000] * 3000) | join('b') }}", "3,002,999"),  # the join filter: 3 000 × 1 000 + 2 999 × 1
    ("{{ 'x' | center(3000000) }}", "3,000,000"),
    ("{{ ('a\n' * 1000) | indent(5000) }}", "5,007,000"),  # 2 000 + 1 001 lines × 5 000
    ("{{ ('a' * 1000) | replace('a', 'b' * 5000) }}", "5,000,000"),
    ("{{ '%3000000s' | format('x') }}", "3,000,000"),  # the width of a % format
    ("{{ '%3000000s' % 'x' }}", "3,000,000"),
    ("{{ '{:>3000000}'.format('x') }}", "3,000,000"),  # str.format's width
    ("{{ ('a' * 100000) | wordwrap(1, wrapstring='x' * 100) }}", "10,100,100"),  # 100 001 lines × 100 + 100 000
])
def test_strings_over_the_limit_are_refused_before_they_are_made(source, made):
    message = refused(source)
    assert message.startswith("模板中的表达式将生成") and STRING_LIMIT in message, message
    assert f"{made} 个字符的文字" in message, message


@pytest.mark.parametrize(("source", "made"), [
    ("{{ [0] * 300000 }}", "300,000"),
    ("{{ ([0] * 150000) + ([0] * 150000) }}", "300,000"),
    ("{% set l = [0] * 200000 %}{{ l.append(1) }}", "200,001"),  # at the limit, then one more
    ("{% set l = [0] * 150000 %}{{ l.extend([1] * 60000) }}", "210,000"),
    ("{{ ('a' * 300000) | list | length }}", "300,000"),  # any filter's result is checked
    ("{{ [1, 2] | batch(300000) | list }}", "300,000"),
    ("{{ [1, 2] | slice(300000) | list }}", "300,000"),
    ("{{ 'x'.join('a' * 200001) }}", "200,001"),  # an iterable is counted while it is listed
])
def test_sequences_over_the_limit_are_refused(source, made):
    message = refused(source)
    assert message == f"模板中的表达式将生成 {made} 项的序列{SEQUENCE_LIMIT}", message


def test_huge_integers_are_refused():
    # 2**200000 has 200 001 bits; 10**20000 has ⌈20000·log2 10⌉ = 66 439 bits, two of them 132 878 > 100 000
    assert refused("{{ 2 ** 200000 }}") == "模板中的乘方将生成超过 100,000 位的整数"
    assert refused("{{ (10 ** 20000) * (10 ** 20000) }}") == "模板中的乘法将生成超过 100,000 位的整数"
    # 2**99999 passes (99 999 bits); the sum 2**100000 has 100 001 bits and is refused once made
    assert refused("{{ 2 ** 99999 + 2 ** 99999 }}") == "模板中的表达式将生成 100,001 位的整数（上限 100,000）"
    # small results pass: 2¹⁰; (−1) to any power is ±1; a negative or float exponent makes a float
    assert render("{{ 2 ** 10 }}|{{ (-1) ** 10**9 }}|{{ 4 ** -1 }}|{{ 2.0 ** 3 }}|{{ 7 % 3 }}") == "1024|1|0.25|8.0|1"


def test_range_is_bounded_per_call_and_per_render():
    assert refused("{{ range(10**9) | list | length }}") == "模板中的 range() 有 1,000,000,000 项（上限 200,000）"
    # nested loops: 20 calls of 200 000 numbers each pass the 2 000 000 total at the 11th
    message = refused("{% for i in range(20) %}{% set r = range(200000) %}{% endfor %}")
    assert message == "模板中的循环次数过多：range() 共生成超过 2,000,000 个数（嵌套循环？）"
    assert render("{% for i in range(3) %}{{ i }}{% endfor %}") == "012"  # a fresh render has its own allowance


def test_format_specifications_that_size_themselves_are_refused():
    assert refused("{{ '%*s' % (5, 'x') }}") == "模板中的 % 格式不允许用 * 指定宽度"
    assert refused("{{ '{0:>{1}}'.format('x', 5) }}") == "模板中的格式说明不允许嵌套 { }（动态宽度）"
    assert refused("{{ [1] | tojson(indent=5000) }}") == "tojson 的缩进过大（上限 1000）"
    with pytest.raises(ValueError, match="Single '{'"):  # a malformed format string: Python's own error
        render("{{ '{'.format() }}")


def test_ordinary_templates_render_unchanged():
    # every bounded operation within its limits gives what jinja and Python give
    source = ("{{ 'ab' * 3 }}|{{ [1, 2] + [3] }}|{{ '%5.1f' % 3.14159 }}|{{ '{:>4}'.format(7) }}|{{ 'a' ~ 1 }}|"
              "{{ 'x'.center(5) }}|{{ 'a-b'.replace('-', '+') }}|{{ ','.join(['p', 'q']) }}|{{ [1, 2] | join('/') }}|"
              "{{ 'a\tb'.expandtabs(2) }}|{{ 'ab' | center(4) }}|{{ 'l1\nl2' | indent(2) }}|{{ 'aXa' | replace('a', 'b', 1) }}|"
              "{{ '%d件' | format(3) }}|{{ [1, 2, 3] | batch(2) | list }}|"
              "{{ 'aaa bbb' | wordwrap(3, wrapstring='/') }}|{{ {'k': 1} | tojson(indent=1) }}|{{ [3, 1] | sort | first }}|"
              "{{ '{} {:>3}'.format('a', 7) }}|{{ 'ab' * True }}|{{ 'ab'.upper() }}")
    parts = render(source).split("|")
    assert parts == ["ababab", "[1, 2, 3]", "  3.1", "   7", "a1", "  x  ", "a+b", "p,q", "1/2", "a b", " ab ",
                     "l1\n  l2", "bXa", "3件", "[[1, 2], [3]]", "aaa/bbb",
                     '{\n "k": 1\n}', "1", "a   7", "ab", "AB"], parts


def test_slice_within_the_limit_works():
    assert render("{{ [1, 2, 3] | slice(2) | list }}") == "[[1, 2], [3]]"  # two columns: 3 items → 2 + 1


def test_list_methods_within_the_limit_work():
    assert render("{% set l = [1] %}{% set _ = l.append(2) %}{% set _ = l.extend(range(3, 5)) %}{{ l }}") == "[1, 2, 3, 4]"


def test_safe_does_not_let_markup_through_and_lipsum_is_gone():
    # autoescaping with |safe disarmed: a template cannot write raw XML into the document
    assert render("{{ '<w:p/>' | safe }}{{ x | e }}", x="&") == "&lt;w:p/&gt;&amp;"
    # values a template prints: braces as character references, None as nothing
    assert render("[{{ x }}][{{ y }}]", x=None, y="a{b}<") == "[][a&#123;b&#125;&lt;]"
    with pytest.raises(UndefinedError):
        render("{{ lipsum() }}")
