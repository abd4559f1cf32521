"""Settings for the test suite: production settings with test-only switches.

pytest-django loads settings before any conftest.py runs, so the environment that
config/settings.py reads must be set here, before it is imported.
"""

import os

# Tests never need a real secret, and plain static file names need no collectstatic step.
os.environ.setdefault("COPRODUCE_INSECURE_DEV_KEY", "1")
os.environ.setdefault("COPRODUCE_PLAIN_STATIC", "1")

from config.settings import *  # noqa: F403

# Tasks run at once, in the enqueuing process; a test that needs the real queue asks for the
# `database_task_queue` fixture. Tasks are enqueued on commit, so wrap the code under test
# in `django_capture_on_commit_callbacks(execute=True)`.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Registry extract files go to a throw-away directory, never the checkout's var/.
import tempfile  # noqa: E402

COPRODUCE_EXTRACTS_DIR = Path(tempfile.mkdtemp(prefix="coproduce-test-extracts-"))  # noqa: F405
