"""The plain-text part of an email is derived from its HTML part."""

from grants.notifications.plaintext import html_to_text


def test_paragraphs_become_blank_line_separated_text():
    assert html_to_text("<p>Hello <strong>Li</strong>,</p><p>Line\n  wrapped   here.</p>") == (
        "Hello Li,\n\nLine wrapped here.\n"
    )


def test_links_keep_their_address_and_bare_addresses_are_not_repeated():
    text = html_to_text(
        '<p><a href="https://g.example/a/1">Read the award</a></p><p><a href="https://x">https://x</a></p>'
    )
    assert text == "Read the award: https://g.example/a/1\n\nhttps://x\n"


def test_list_items_stay_on_consecutive_lines():
    assert html_to_text("<p>Late:</p><ul><li>one</li><li>two</li></ul>") == "Late:\n\n- one\n- two\n"


def test_styles_and_entities():
    assert html_to_text("<style>p{}</style><p>Fish &amp; chips &lt;3</p>") == "Fish & chips <3\n"


def test_quoted_text_keeps_its_line_breaks_and_is_marked_as_a_quote():
    html = "<p>The reviewer wrote:</p><blockquote>Strong design.\n\nWeak budget.</blockquote><p>Thanks</p>"
    assert html_to_text(html) == "The reviewer wrote:\n\n> Strong design.\n>\n> Weak budget.\n\nThanks\n"


def test_the_html_only_fallback_is_left_out_of_the_plain_text():
    html = (
        '<p><a href="https://g/x">Reset</a></p><p class="html-only">Or paste this: https://g/x</p><p>Bye</p>'
    )
    assert html_to_text(html) == "Reset: https://g/x\n\nBye\n"
