"""`python -m pipeline` is the `conflict-timeline` command."""

from .cli import main

main()
