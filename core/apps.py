from django.apps import AppConfig
from django.db.models.signals import pre_save


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        import pandas as pd

        # Text columns held as Python strings, as before pyarrow was installed (for core.tabular's
        # CSV reader): with pyarrow present, pandas would otherwise keep them in Arrow arrays, which
        # the importers read a cell at a time ten times more slowly.
        pd.set_option("mode.string_storage", "python")
        from . import checks  # noqa: F401  (registers the system checks)
        from .limits import text_fits_its_field
        from .single_line import one_line_fields_hold_no_line_breaks

        pre_save.connect(one_line_fields_hold_no_line_breaks, dispatch_uid="core.single_line")
        pre_save.connect(text_fits_its_field, dispatch_uid="core.limits")
