"""Open311 GeoReport v2 for problem reports (docs/open311.md): service discovery, the
service list and definitions, posting and reading requests, and tokens — in XML (the
spec's required format) and JSON, UTF-8, ISO 8601 times with offsets."""
