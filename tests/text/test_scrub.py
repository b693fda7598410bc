"""text/scrub.py: every valid My Number masked wherever it stands, in a text or inside details."""
from collections import namedtuple

from stdnum.jp import in_

from donorguard.text.scrub import scrub, scrub_all

NUMBER = "12345678901" + str(in_.calc_check_digit("12345678901"))
INVALID = NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10)


def test_a_valid_number_is_masked_in_any_spelling_and_others_stay():
    for spelt in (NUMBER, f"{NUMBER[:4]}-{NUMBER[4:8]}-{NUMBER[8:]}", f"{NUMBER[:4]} {NUMBER[4:8]} {NUMBER[8:]}",
                  NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９"))):
        assert scrub(f"山田 {spelt} 様") == f"山田 ****-****-{NUMBER[-4:]} 様"
    assert scrub(f"番号 {INVALID}") == f"番号 {INVALID}"          # no valid check digit: not a My Number
    assert scrub("1" + NUMBER) == "1" + NUMBER                      # 13 digits: a Corporate Number's length
    assert scrub(12) == 12


def test_texts_inside_details_are_masked_and_their_shapes_kept():
    Item = namedtuple("Item", "destination stem")
    got = scrub_all({"items": [Item(NUMBER, "x"), (NUMBER, 3)], "n": 5, "where": [f"a{NUMBER}b"]})
    assert got == {"items": [Item(f"****-****-{NUMBER[-4:]}", "x"), (f"****-****-{NUMBER[-4:]}", 3)], "n": 5,
                   "where": [f"a****-****-{NUMBER[-4:]}b"]}
    assert isinstance(got["items"][0], Item) and isinstance(got["items"][1], tuple)
