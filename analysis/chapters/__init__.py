"""Chapter calculations: one module per chapter, each returning frozen results objects."""
