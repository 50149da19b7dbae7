"""Quote provenance: occurrences of the same words grouped into quotations, and claims
matched against stored quotes. ``text`` compares (pure), ``candidates`` asks the full-text
index, ``grouping`` keeps quotations current in the writer's transaction, ``match`` answers
"did X really say this?"."""
