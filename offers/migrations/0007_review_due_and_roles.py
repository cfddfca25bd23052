"""Fill the review due date of existing offers; create the editorial groups "Redaktion" and "Partner-Redaktion"."""

import calendar
import datetime

from django.db import migrations


def add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def fill_review_due(apps, schema_editor):
    Offer = apps.get_model("offers", "Offer")
    for offer in Offer.objects.only("pk", "last_verified", "created_at", "review_interval_months"):
        basis = offer.last_verified or offer.created_at.date()
        Offer.objects.filter(pk=offer.pk).update(review_due=add_months(basis, offer.review_interval_months))


def create_roles(apps, schema_editor):
    from offers.roles import ensure_roles

    ensure_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0006_curation"),
        ("partners", "0003_editors_and_history"),
        ("regions", "0002_network_history"),
        ("alliance", "0003_page_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [
        migrations.RunPython(fill_review_due, migrations.RunPython.noop),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
