"""The measures as code, one module per chapter. Importing this package registers every rule."""

from . import ch1_general, ch2_development, ch2_investment, ch2_planning, ch3_approval, ch5_data  # noqa: F401
