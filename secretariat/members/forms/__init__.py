"""Forms of the member registry, one module per part (forms only parse and bound input)."""
