"""Tables and repository of consortium building."""
