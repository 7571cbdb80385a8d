from mutu.core.ratelimit import hit


def test_hits_over_the_limit_in_one_window_are_refused(settings):
    settings.RATELIMIT_ENABLED = True
    results = [hit("test:1.2.3.4", limit=3, period=60, now=1000.0) for _ in range(5)]
    assert results == [True, True, True, False, False]


def test_a_new_window_starts_a_new_count(settings):
    settings.RATELIMIT_ENABLED = True
    assert all(hit("test:5.6.7.8", limit=1, period=60, now=t) for t in (60.0, 120.0, 180.0))


def test_clients_are_counted_apart(settings):
    settings.RATELIMIT_ENABLED = True
    assert hit("test:a", limit=1, period=60, now=0.0)
    assert hit("test:b", limit=1, period=60, now=0.0)
    assert not hit("test:a", limit=1, period=60, now=1.0)
