"""Helpers shared by the tests, bench/ and .ci/scan.py, each in one place.

- `net`: a free port on loopback, whether a local service answers.
- `forms`: the CSRF and form tokens scraped from a page, the fields of a valid request.
- `server`: a portal process on its own instance folder (`flask` commands, gunicorn started and
  waited for until /healthz answers, stopped).
- `postgres`: a throwaway PostgreSQL database per test run (or per benchmark).
- `http`: a browser-like client over urllib; `proxy`: a TCP proxy that can cut connections.

bench/ and .ci/ import these by putting the repository root on sys.path, as they do for portal.
"""
