"""Inter-annotator agreement: the coefficients (`coefficients`), bootstrap intervals (`bootstrap`),
the ratings of a store as arrays (`ratings`), the per-field report (`report`) and its renderings as
text, Markdown and JSON (`render`)."""
