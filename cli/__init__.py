"""The `sesame` command line: parse, call one db function, render (docs/design.md)."""
