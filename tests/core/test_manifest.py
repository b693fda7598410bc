"""The manifest: generations recorded compactly and signed; a list sealed by an earlier format is named as such."""
import numpy as np
import pytest
from sheets import KEY, RULES, STAMP

from donorguard.core import manifest as mf
from donorguard.core.errors import ManifestTampered, SealFormat


def test_generations_round_trip_and_are_signed():
    m = mf.new(RULES, KEY, "S", 3, [4, 5, 6, 7, 9], STAMP)
    assert mf.generations(m) == {} and mf.current_generation(m, [4, 9]).tolist() == [0, 0]
    m2 = mf.sign(mf.with_generations(m, {5: 1, 6: 1, 9: 2, 7: 0}), KEY)
    assert m2["generations"] == '{"1": "5-6", "2": "9"}'
    assert mf.generations(m2) == {5: 1, 6: 1, 9: 2}
    assert mf.current_generation(m2, np.array([4, 5, 6, 7, 9, 10])).tolist() == [0, 1, 1, 0, 2, 0]
    mf.verify(m2, KEY, "x")
    with pytest.raises(ManifestTampered):
        mf.verify({**m2, "generations": '{"1": "5"}'}, KEY, "x")


def test_an_earlier_format_is_named():
    m = mf.new(RULES, KEY, "S", 3, [4], STAMP)
    with pytest.raises(SealFormat) as e:
        mf.verify({**m, "format": "DG1"}, KEY, "名簿.xlsx")
    assert e.value.details == {"path": "名簿.xlsx", "format": "DG1"}
