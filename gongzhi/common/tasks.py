"""The one place apps get `task` from: Django 6's built-in tasks, through the django-tasks
backport on Django 5.2. Moving to `django.tasks` on the 6.2 LTS changes this file only.

Backends (settings.TASKS): the database (django-tasks-db, the embedded default; `gongzhi
db_worker` runs them), or ImmediateBackend in tests. Tasks take primary keys, never model
instances, so that they can run on another machine later.
"""

from django_tasks import task

__all__ = ["task"]
