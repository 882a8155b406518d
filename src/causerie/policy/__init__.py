"""Safety policy: age bands, age consistency, contact rules, rate limits and anti-flood (docs/policy.md).

Actions call into this package; it decides, records safety signals, and raises `CauserieError`.
"""
