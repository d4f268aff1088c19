"""The `forumbot` command line, one module per command group; `main.py` ties them together."""
