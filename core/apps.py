from django.apps import AppConfig
from django.db.models.signals import pre_save


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from .limits import text_fits_its_field
        from .single_line import one_line_fields_hold_no_line_breaks

        pre_save.connect(one_line_fields_hold_no_line_breaks, dispatch_uid="core.single_line")
        pre_save.connect(text_fits_its_field, dispatch_uid="core.limits")
