"""The freshness probe recognises its figure in an answer, whatever the number's notation."""

from bench.freshness import shows


def test_the_probe_finds_its_value_as_a_json_number_or_a_decimal_string() -> None:
    needle = shows(900003)
    assert needle.search(b'{"value":900003,"period":"2025-01"}')
    assert needle.search(b'{"value": 900003.0}')
    assert needle.search(b'{"value":"900003.0000"}')
    assert not needle.search(b'{"value":9000031}')
    assert not needle.search(b'{"value":1900003}')
    assert not needle.search(b'{"value":900003.5}')
    assert not needle.search(b'{"value":900002}')
