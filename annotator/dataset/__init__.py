"""Export: the gold-labelled dataset (`build`), its splits by document (`splits`), its data files
(`formats`), its card (`card`) and the folder written all or nothing with a manifest (`folder`)."""
