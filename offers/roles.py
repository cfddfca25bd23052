"""The editorial roles: groups "Redaktion" and "Partner-Redaktion" with their permissions.

Created by migration offers/0008 and again by `manage.py setup_roles` (both idempotent: they add what is
missing and leave extra permissions that an administrator granted by hand alone). Superusers need no group.

- Redaktion: every content model (offers, vocabularies, institutions, board, networks, regions, pages,
  theses, recommendations, suggestions, their version history), enquiries and transfer needs, and
  `offers.publish_offer`.
- Partner-Redaktion: create and edit offers, limited in the admin to the one institution of the user's
  `partners.EditorProfile`, statuses "Entwurf" and "In Prüfung" only; read access to the vocabularies and
  regions they pick from; the enquiries about their institution's offers (to read and set their status) and
  the statistics of those offers.
"""

from django.apps import apps as global_apps

EDITORS = "Redaktion"
PARTNER_EDITORS = "Partner-Redaktion"

EDITOR_APPS = ("offers", "partners", "regions", "alliance", "practice", "enquiries", "needs", "demand")
PARTNER_PERMISSIONS = (
    ("offers", "add_offer"),
    ("offers", "change_offer"),
    ("offers", "view_offer"),
    ("offers", "delete_offer"),
    ("offers", "view_historicaloffer"),
    ("offers", "view_targetgroup"),
    ("offers", "view_innovationdimension"),
    ("offers", "view_topic"),
    ("regions", "view_region"),
    ("regions", "view_regionalnetwork"),
    ("enquiries", "view_enquiry"),
    ("enquiries", "change_enquiry"),
    ("demand", "view_offermonthstat"),
)


def ensure_permissions_exist(apps=global_apps, using="default"):
    """Permissions are normally created after `migrate`; a data migration needs them now."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = previous or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0, using=using)
        finally:
            app_config.models_module = previous


def ensure_roles(apps=global_apps, using="default"):
    """Create or complete both groups; returns {group name: number of permissions added}."""
    ensure_permissions_exist(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    added = {}

    editors, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    wanted = (
        Permission.objects.using(using)
        .filter(content_type__app_label__in=EDITOR_APPS)
        .exclude(content_type__model="editorprofile", codename__in=["add_editorprofile", "delete_editorprofile"])
    )
    added[EDITORS] = _grant(editors, wanted)

    partners, _ = Group.objects.using(using).get_or_create(name=PARTNER_EDITORS)
    codes = {(app, codename) for app, codename in PARTNER_PERMISSIONS}
    wanted = [
        permission
        for permission in Permission.objects.using(using).filter(
            content_type__app_label__in={app for app, _ in codes}, codename__in={code for _, code in codes}
        )
        if (permission.content_type.app_label, permission.codename) in codes
    ]
    added[PARTNER_EDITORS] = _grant(partners, wanted)
    return added


def _grant(group, permissions):
    have = set(group.permissions.values_list("pk", flat=True))
    missing = [permission for permission in permissions if permission.pk not in have]
    if missing:
        group.permissions.add(*missing)
    return len(missing)
