"""`python -m bot`: the command line."""

from app.cli import main

main()
