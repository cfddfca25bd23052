from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Praxisbeispiele"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from allianz_portal import freshness
        from allianz_portal.freshness import bump_data_version

        from .models import PracticeExample, publication_times

        freshness.schedule_from(publication_times)

        # Cached pages (offer and network pages list the examples) are keyed by the content state.
        post_save.connect(bump_data_version, sender=PracticeExample, dispatch_uid="bump-save-PracticeExample")
        post_delete.connect(bump_data_version, sender=PracticeExample, dispatch_uid="bump-delete-PracticeExample")
        for field in ("offers", "funding", "networks", "topics"):
            through = getattr(PracticeExample, field).through
            m2m_changed.connect(bump_data_version, sender=through, dispatch_uid=f"bump-m2m-practice-{field}")
