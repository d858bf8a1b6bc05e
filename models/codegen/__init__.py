"""Code generators for the event catalog (`models/events.json`): one module per language."""
