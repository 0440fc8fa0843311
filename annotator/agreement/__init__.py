"""Inter-annotator agreement: the coefficients (`coefficients`), bootstrap intervals (`bootstrap`), a
figure with its interval (`estimate`), the ratings of a store as arrays (`ratings`), the per-field
report (`report`) with each annotator's quality (`annotators`) and agreement over time (`drift`), and
its renderings as text, Markdown and JSON (`render`)."""
