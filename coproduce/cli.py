"""The `coproduce` command: Django's management commands under the product's name.

`coproduce seed --patients 300 --seed 1` is `python manage.py seed --patients 300 --seed 1`.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["coproduce", *sys.argv[1:]])
