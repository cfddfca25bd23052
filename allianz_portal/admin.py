"""Admin of the project package: nothing of its own; keeps the admin German.

django-tasks-db registers its task results with English labels. Editors follow their work where it belongs
(imports under Angebote → Importe); operators read the queue in the database or with the worker's log.
"""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

admin.site.unregister(DBTaskResult)
