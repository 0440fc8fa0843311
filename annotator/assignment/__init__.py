"""Who labels what, with no server: `rendezvous` assigns each sentence unit to `overlap` annotators of
the project's roster by highest-random-weight hashing, the same on every machine; `progress` reads
how far each annotator is from the store."""
