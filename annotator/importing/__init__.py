"""`annotator import`: labels from other tools' exports (Prodigy, doccano, Label Studio, a long table)
read as answers, their label names mapped to the schema's values, placed on the corpus's units and
written to the store as records of origin `imported`."""
