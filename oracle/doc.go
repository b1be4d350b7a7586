// Package oracle holds no code, only a test: the oracle that holds the Go
// check of Derby's files (engine/derby) to the judgement of the real
// engine (deepcheck). For every kind of damage package fixtures/damage
// knows, on copies of clean, exited and crashed databases, and on copies
// taken while the database was written, it asks both and counts: the Go
// check must never call damaged a database the engine recovers whole, and
// must flag every database the engine refuses or loses rows from, except
// where the files alone cannot tell (docs/derby-format.md §6).
//
// make test runs a subset; make oracle runs it all and writes the table of
// docs/database-checks.md.
package oracle
