from ._import_command import ImportCommand


class Command(ImportCommand):
    help = "Import performance measures: long-format CSV/XLSX of URN, academic_year, measure, value, national_value."
    kind = "performance"
