import gc

import pytest

from suppliermatch.bulk_build import garbage_collection_paused


@pytest.fixture
def collector_on():
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_the_collector_is_off_inside_and_back_on_after(collector_on):
    with garbage_collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_inner_pause_leaves_the_outer_one_in_force(collector_on):
    with garbage_collection_paused():
        with garbage_collection_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_comes_back_when_the_work_fails(collector_on):
    @garbage_collection_paused()
    def failing_build():
        assert not gc.isenabled()
        raise RuntimeError("the build failed")

    with pytest.raises(RuntimeError):
        failing_build()
    assert gc.isenabled()


def test_what_a_settled_build_made_is_in_the_oldest_generation_at_once(collector_on):
    full_collections = gc.get_stats()[2]["collections"]
    with garbage_collection_paused(settle=True):
        built = [[number] for number in range(1_000)]

    assert gc.get_stats()[2]["collections"] == full_collections + 1
    oldest = gc.get_objects(generation=2)
    assert any(thing is built for thing in oldest)
    assert any(thing is built[-1] for thing in oldest)
