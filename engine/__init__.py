"""The functional core of sesame: pure values in, values out (see docs/design.md)."""
