package i18n

// The details of migrate's steps and journal errors (package migrate):
// what a step did, and what a journal or the folders it names were found
// to hold. The English wording is what the journal, the report and JSON
// carry.
func init() {
	for k, v := range map[string]msg{
		// Steps.
		"migrate.detail.preflight":        {"%s %s→%s: %d files, %d bytes", "%s %s→%s: %d file, %d byte"},
		"migrate.detail.preflight.resume": {"%s %s→%s: %d files, %d bytes; resuming: %s", "%s %s→%s: %d file, %d byte; dilanjutkan: %s"},
		"migrate.detail.reusing":          {"reusing %s", "memakai ulang %s"},
		"migrate.detail.snapshot":         {"%s (%d files, %d bytes, content %s, %s)", "%s (%d file, %d byte, isi %s, %s)"},
		"migrate.detail.readfull":         {"read back in full", "dibaca ulang seluruhnya"},
		"migrate.detail.readkeyless": {
			"read back without the key: the SHA-256 of every encrypted byte",
			"dibaca ulang tanpa kunci: SHA-256 setiap byte terenkripsi",
		},
		"migrate.detail.staged": {
			"%s (%d files, %d bytes, read back from disk and verified)",
			"%s (%d file, %d byte, dibaca ulang dari disk dan terverifikasi)",
		},
		"migrate.detail.swap.exchanged":   {"finished: the original moved to %s", "selesai: yang asli dipindah ke %s"},
		"migrate.detail.swap.halfswapped": {"finished: the copy moved to %s", "selesai: salinan dipindah ke %s"},
		"migrate.detail.swap.placed":      {"the copy is now %s", "salinan kini menjadi %s"},
		"migrate.detail.swap.swapped":     {"the copy is now %s; the original is at %s", "salinan kini menjadi %s; yang asli ada di %s"},
		"migrate.detail.postchecked": {
			"the new db/ matches the manifest; the source is unchanged",
			"db/ yang baru cocok dengan manifest; sumbernya tidak berubah",
		},
		"migrate.detail.paths":  {"%s", "%s"}, // a list of files, the same in every language
		"migrate.detail.undone": {"%d action(s)", "%d tindakan"},
		// Journals.
		"migrate.detail.toolarge":  {"the file is too large", "file-nya terlalu besar"},
		"migrate.detail.other":     {"%s→%s from %s, %s", "%s→%s dari %s, %s"},
		"migrate.detail.finished":  {"finished %s", "selesai %s"},
		"migrate.detail.notfolder": {"%s is not a folder", "%s bukan folder"},
		"migrate.detail.found":     {"found %s", "ditemukan: %s"},
		// What each name the journal records holds (db, staging, aside,
		// undone: the names stay as they are).
		"migrate.detail.layout":         {"%s, %s, %s, %s", "%s, %s, %s, %s"},
		"migrate.detail.holds.nothing":  {"%s absent", "%s tidak ada"},
		"migrate.detail.holds.original": {"%s holds the original", "%s berisi yang asli"},
		"migrate.detail.holds.copy":     {"%s holds the copy", "%s berisi salinan"},
		"migrate.detail.holds.other":    {"%s holds something else", "%s berisi hal lain"},
		// How a source differs from what was recorded.
		"migrate.detail.appeared":    {"%s appeared", "%s muncul"},
		"migrate.detail.disappeared": {"%s disappeared", "%s hilang"},
		"migrate.detail.resized":     {"%s: %d bytes, was %d", "%s: %d byte, sebelumnya %d"},
		"migrate.detail.modified":    {"%s: modified %s, was %s", "%s: diubah %s, sebelumnya %s"},
		"migrate.detail.join":        {"%s; %s", "%s; %s"},
		// What changed under a migration (the detail of "changed while it
		// was being read").
		"migrate.detail.wasmodified":          {"%s was modified", "%s diubah"},
		"migrate.detail.changed.snapshot":     {"between the preflight and the safety snapshot: %s", "antara pemeriksaan awal dan snapshot pengaman: %s"},
		"migrate.detail.changed.replaced":     {"it was replaced during the migration", "folder itu diganti selama migrasi"},
		"migrate.detail.changed.appeared":     {"it appeared during the migration: is e-Faktur running in the new folder?", "folder itu muncul selama migrasi: apakah e-Faktur sedang berjalan di folder baru?"},
		"migrate.detail.changed.aftercopy":    {"after it was copied: %s", "setelah disalin: %s"},
		"migrate.detail.changed.preflight":    {"since the preflight: %s", "sejak pemeriksaan awal: %s"},
		"migrate.detail.changed.appearedsnap": {"it appeared while the safety snapshot was made", "file itu muncul saat snapshot pengaman dibuat"},
		"migrate.detail.changed.sizes":        {"the copy read %d bytes, the safety snapshot %d", "salinan membaca %d byte, snapshot pengaman %d"},
		"migrate.detail.changed.bytes":        {"the copy and the safety snapshot read different bytes", "salinan dan snapshot pengaman membaca isi yang berbeda"},
		"migrate.detail.changed.disappeared":  {"it disappeared while it was copied", "file itu hilang saat disalin"},
		"migrate.detail.readback.encrypted":   {"the encrypted snapshot read back is not the file that was written", "snapshot terenkripsi yang dibaca ulang bukan file yang ditulis"},
		"migrate.detail.readback":             {"the snapshot read back does not hold what was written", "snapshot yang dibaca ulang tidak memuat apa yang ditulis"},
	} {
		messages[k] = v
	}
}
