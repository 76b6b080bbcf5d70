"""The functional core of sesame: pure values in, values out (see DESIGN.md §1)."""
