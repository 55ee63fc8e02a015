"""Settings for the test suite and type checking: hexitime.settings with HEXITIME_TESTING on.

HEXITIME_TESTING turns on fast password hashing, the in-memory e-mail outbox, immediate tasks
and a development SECRET_KEY; everything else is read from the environment as in production.
"""

import os

os.environ["HEXITIME_TESTING"] = "1"

from hexitime.settings import *  # noqa: F403
