from ._import_command import ImportCommand


class Command(ImportCommand):
    help = "Import Ofsted's state-funded schools management information CSV into inspection histories."
    kind = "ofsted"
