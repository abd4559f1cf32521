"""Pure instrument scoring (no Django import; enforced by import-linter). Filled by the
Instrument library issue."""
