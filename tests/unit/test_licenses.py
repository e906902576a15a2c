import pytest

from builder.core.licenses import DEFAULT_ALLOWED, LICENSES, Inherited, judge_adaptation, lookup


def inherit(*spdx):
    return [Inherited(f"'src{i}'", lookup(s), None) for i, s in enumerate(spdx)]


def verdict(own, *sources):
    v = judge_adaptation(lookup(own), inherit(*sources))
    return v.code if v else None


def test_table_knows_the_defaults_and_older_versions():
    for spdx in DEFAULT_ALLOWED + ("CC-BY-SA-3.0", "CC-BY-2.0", "CC-PDDC"):
        assert spdx in LICENSES
    assert lookup("CC-BY-NC-SA-4.0").elements == {"BY", "NC", "SA"}
    assert lookup("CC-BY-SA-3.0").url == "https://creativecommons.org/licenses/by-sa/3.0/"
    assert lookup("CC-BY-NC-ND-4.0").short == "CC BY-NC-ND 4.0"
    assert lookup("MIT") is None


@pytest.mark.parametrize(
    "own,sources,expected",
    [
        ("CC-BY-4.0", ["CC-BY-4.0", "CC0-1.0"], None),
        ("CC-BY-NC-4.0", ["CC-BY-4.0"], None),
        ("CC-BY-4.0", ["CC-BY-ND-4.0"], "license-nd-source"),
        ("CC-BY-NC-ND-4.0", ["CC-BY-NC-ND-4.0"], "license-nd-source"),
        ("CC-BY-SA-4.0", ["CC-BY-SA-4.0"], None),
        ("CC-BY-SA-4.0", ["CC-BY-SA-3.0"], None),  # later version of the same license
        ("CC-BY-SA-3.0", ["CC-BY-SA-4.0"], "license-sa-mismatch"),  # never an earlier one
        ("CC-BY-4.0", ["CC-BY-SA-4.0"], "license-sa-mismatch"),
        ("CC-BY-NC-SA-4.0", ["CC-BY-SA-4.0"], "license-sa-mismatch"),
        ("CC-BY-NC-4.0", ["CC-BY-NC-4.0"], None),
        ("CC-BY-4.0", ["CC-BY-NC-4.0"], "license-nc-required"),
        ("CC-BY-NC-SA-4.0", ["CC-BY-NC-4.0", "CC-BY-NC-SA-4.0"], None),
        ("CC-BY-SA-4.0", ["CC-BY-SA-4.0", "CC-BY-NC-4.0"], "license-conflict"),
        ("CC-BY-NC-SA-4.0", ["CC-BY-SA-4.0", "CC-BY-NC-SA-4.0"], "license-conflict"),
        ("CC0-1.0", ["CC-BY-4.0"], "license-by-required"),
        ("CC0-1.0", ["CC0-1.0", "CC-PDDC"], None),
    ],
)
def test_adaptation_rules(own, sources, expected):
    assert verdict(own, *sources) == expected


def test_verdict_names_the_ancestor_and_the_path():
    chain = [Inherited("'grandparent'", lookup("CC-BY-NC-4.0"), "parent")]
    v = judge_adaptation(lookup("CC-BY-4.0"), chain)
    assert v.code == "license-nc-required"
    assert "'grandparent' (CC-BY-NC-4.0) (through 'parent')" in v.message
    assert "CC-BY-NC-4.0" in v.fix
