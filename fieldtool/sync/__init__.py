"""Merging change logs: how the district office folds every laptop's work into one database, and back.

The change log (fieldtool.changelog) already holds every insert, update and delete with its device, the
device's own sequence number and the time. Merging never copies rows; it copies log entries and rebuilds
rows from them:

* every received entry is kept once (unique on device + sequence), so a bundle seen twice adds nothing;
* each record a bundle touches is *materialised* by folding all of that record's entries, from every
  device, sorted by (time, device, sequence): the insert gives the row, updates set their fields, a delete
  removes it. The result depends only on the set of entries, never on the order bundles arrive in;
* money is never last-write-wins because payments are insert-only events with their own ids: two payments
  from two laptops are two records and both count; the same payment twice is one record;
* two devices changing one field without having seen each other's value is a *conflict*: the fold still
  picks one value deterministically (the later change) and lists the pair in `sync_conflict` for the office;
  the office's decision is a change of its own that names the conflict (`_decision`), so every database
  that folds it – the laptops included, when it comes back in a return bundle – shows the conflict decided;
* a record whose parent (the loan of a payment, …) has not arrived waits in `sync_pending` and is written
  as soon as the parent comes, in whichever bundle.

Tables are written in foreign-key order within the caller's transaction: all or nothing.

The package, one module per noun: `entries` (a change as it travels, its time spelt one way), `tables` (what
the merge knows of each table), `fold` (a record from its changes, and the conflicts found on the way),
`merge` (applying a bundle's entries: the log, the records, what waits, the conflicts), `conflicts` (the
office reviews and decides them), `laptop` (the field side: a complete log, what it acknowledges) and
`office` (the office side: missing bundles, what goes back to a laptop).
"""
