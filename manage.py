#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "councilsocial.settings")
    # Commands run by hand on a developer's machine (makemigrations, shell…) need no set-up.
    # Production sets DEBUG=false in its environment file (deploy/councilsocial.env.example),
    # and the web server (wsgi.py) and Celery never take this default.
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
