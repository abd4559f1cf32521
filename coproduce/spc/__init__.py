"""Pure statistical process control (no Django import; enforced by import-linter). Filled by
the learning health system issue."""
