"""The `sesame` command line: parse, call one db function, render (DESIGN.md §1)."""
