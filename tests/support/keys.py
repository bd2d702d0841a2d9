"""The data keys of the tests' databases (DATA_KEYS): fixed, so a failing run's files can be opened afterwards."""
from __future__ import annotations

from storage.encryption import KeyRing

TEST_DATA_KEYS = "dGVzdHMgb25seTogbm90IGEga2V5IHRvIGtlZXAgISE="
TEST_RING = KeyRing.parse(TEST_DATA_KEYS)
