#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # A checkout with neither .env nor a secret is a developer's machine: run management
    # commands with development defaults. Production sets SECRET_KEY (and DEBUG) itself,
    # and the web server (config/wsgi.py) never takes this default.
    here = os.path.dirname(os.path.abspath(__file__))
    has_secret = os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE")
    if not has_secret and not os.path.exists(os.path.join(here, ".env")):
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
