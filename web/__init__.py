"""`sesame serve`: the member pages (and the JSON API) over the same db/ calls as
the commands (docs/design.md, "Two faces, one core")."""
