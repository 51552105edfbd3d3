"""`--dist loadgroup` (make test) with pytest 9.2: the tests of one xdist_group
on one worker again.

pytest-xdist sends the tests of a group to one worker by the "@group" it appends
to their node ids. pytest-xdist 3.8 (the newest) writes that to `item._nodeid`,
which pytest 9.2 no longer reads (a node's id lives in `item._id`), so every group
(the integration tests' "services" and "services-<module>", the browser tests' "browser") was spread over
the workers. This hook, run after every other, puts the suffix where pytest reads
it; where pytest-xdist's own write works, the ids already carry it and nothing is
done. Registered by tests/conftest.py (pytest_plugins)."""
from __future__ import annotations

import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    from _pytest.nodeid import coerce_node_id

    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                        for mark in item.iter_markers("xdist_group")})
        if names and "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")
