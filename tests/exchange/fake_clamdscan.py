"""A stand-in for ClamAV's `clamdscan --no-summary -` in the tests (docs/adr/0034): reads the file
on its standard input and answers with clamdscan's exit codes: 0 clean, 1 a virus found (the EICAR
test file's marker), 2 an error (a marker the tests use to break the scanner)."""

import sys

data = sys.stdin.buffer.read()
if b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in data:
    print("stream: Eicar-Signature FOUND")
    sys.exit(1)
if b"BREAK-THE-SCANNER" in data:
    print("ERROR: cannot connect to clamd", file=sys.stderr)
    sys.exit(2)
print("stream: OK")
sys.exit(0)
