from techbridge.search.testing import fresh_search_index  # noqa: F401
from techbridge.search.tests.factories import catalogue  # noqa: F401
