"""`sesame shell`, the support console: sesame's own commands in one process.

- `command`: the `shell` command; `console`: the prompt_toolkit loop (or lines from a pipe);
- `session`: one line run through the same entry as the `sesame` executable;
- `resolve`: a line's words against the command table; `completer`: Tab;
- `history`: the history file, and which lines it never keeps.
"""
