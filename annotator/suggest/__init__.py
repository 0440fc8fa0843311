"""Suggestions: a proposed value per field for each sentence, from cue rules or a model command."""
