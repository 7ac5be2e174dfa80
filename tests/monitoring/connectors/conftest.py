"""The local AT Protocol network the Bluesky tests run against: one per test session."""

from __future__ import annotations

import pytest

from .atproto_network import AtprotoNetwork


@pytest.fixture(scope="session")
def atproto_network():
    """A real PLC directory, PDS and Bluesky App View on this machine (tests/atproto_network),
    started once for the session. It fails, never skips, when it cannot start: `make test` sets it up
    (scripts/atproto-network-setup.sh)."""
    network = AtprotoNetwork.start()
    try:
        yield network
    finally:
        network.stop()
