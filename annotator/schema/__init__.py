"""Annotation schemas: the model of fields, values and conditions (`model`) and loading a schema file
with clear messages for every problem (`load`)."""
