from django.conf import settings

from ._import_command import ImportCommand


class Command(ImportCommand):
    help = "Import a GIAS establishment extract (edubasealldata CSV or .xlsx) into the schools register."
    kind = "gias"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--la",
            action="append",
            dest="la_codes",
            metavar="CODE",
            help="Keep only this LA code; repeat for several (default: LOCAL_AUTHORITY_CODES setting)",
        )
        parser.add_argument("--all-las", action="store_true", help="Keep every local authority (no filter)")

    def options_for(self, options) -> dict:
        if options["all_las"]:
            return {"la_codes": []}
        return {"la_codes": options["la_codes"] or list(settings.LOCAL_AUTHORITY_CODES)}
