"""The measures as code, one module per chapter. Importing this package registers every rule."""

from . import (  # noqa: F401
    ch1_general,
    ch2_development,
    ch2_investment,
    ch2_planning,
    ch3_approval,
    ch4_acceptance,
    ch4_construction,
    ch4_operation,
    ch4_oversight,
    ch5_data,
    ch5_security,
)
