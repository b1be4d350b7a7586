package i18n

// Messages about the databases inside db/: their engine (Apache Derby),
// their state, what was checked, and the engine's own proof.
func init() {
	for k, v := range map[string]msg{
		// States of a database, as reports show them.
		"state.clean":          {"shut down cleanly", "ditutup dengan benar"},
		"state.needs-recovery": {"not shut down cleanly (the next start recovers it from its log)", "tidak ditutup dengan benar (saat dibuka berikutnya dipulihkan dari log-nya)"},
		"state.in-use":         {"in use", "sedang dipakai"},
		"state.unknown":        {"-", "-"},
		// Verdicts that say what was checked.
		"verdict.not-checked": {"not checked", "tidak diperiksa"},
		"checked.bytes":       {"every byte against the manifest", "setiap byte terhadap manifest"},
		"checked.structure":   {"the Derby file structure", "struktur file Derby"},
		"checked.engine":      {"the Derby engine read every row", "mesin Derby membaca setiap baris"},
		"checked.none":        {"nothing could be checked", "tidak ada yang dapat diperiksa"},
		"checked.by":          {"%s (checked: %s)", "%s (diperiksa: %s)"},
		// The list's short columns.
		"checked.short.bytes":        {"bytes", "byte"},
		"checked.short.structure":    {"structure", "struktur"},
		"checked.short.engine":       {"engine", "mesin"},
		"list.dbcell":                {"%s (%s)", "%s (%s)"},
		"list.proof.none":            {"never", "belum pernah"},
		"list.proof.at":              {"%s: %s", "%s: %s"},
		"state.short.clean":          {"clean", "bersih"},
		"state.short.needs-recovery": {"needs recovery", "perlu pemulihan"},
		"state.short.in-use":         {"in use", "dipakai"},
		"state.short.unknown":        {"-", "-"},
		// One database in a report.
		"db.derby":       {"Derby %s", "Derby %s"},
		"db.derbybuild":  {"Derby %s, written by engine %s", "Derby %s, ditulis mesin %s"},
		"db.unknown":     {"not a database efbackup knows: copied byte for byte", "bukan database yang dikenal efbackup: disalin byte demi byte"},
		"db.encrypted":   {"encrypted: not checkable without its key", "terenkripsi: tidak dapat diperiksa tanpa kuncinya"},
		"db.logdevice":   {"its log is kept outside db/, in %s: a backup of db/ does not contain it", "log-nya disimpan di luar db/, di %s: backup db/ tidak memuatnya"},
		"db.excluded":    {"left out (the engine recreates them): %s", "tidak disalin (dibuat ulang oleh mesin database): %s"},
		"db.heading":     {"databases in db/:", "database di db/:"},
		"db.none":        {"db/ holds no database", "db/ tidak berisi database"},
		"db.recordedas":  {"when the snapshot was made: %s", "saat snapshot dibuat: %s"},
		"db.recovernote": {"e-Faktur was not closed from its own menu before this copy: the copy is valid, and the next start of e-Faktur recovers it from its log", "e-Faktur tidak ditutup dari menunya sendiri sebelum salinan ini: salinan tetap sah, dan e-Faktur memulihkannya dari log saat dijalankan berikutnya"},
		"db.network":     {"%s is on a network share: the database engine's lock is not visible from this PC; back up on the PC that holds the data", "%s berada di folder jaringan: kunci mesin database tidak terlihat dari PC ini; lakukan backup di PC yang menyimpan datanya"},
		"finding.line":   {"%s: %s", "%s: %s"},
		"finding.page":   {"page %d, byte %d", "halaman %d, byte %d"},
		"finding.offset": {"byte %d", "byte %d"},
		// verify --db --against a snapshot the database has moved on from.
		"verify.changedsince": {"%s has changed since the snapshot: %d difference(s); the database checks found no damage", "%s sudah berubah sejak snapshot: %d perbedaan; pemeriksaan database tidak menemukan kerusakan"},
		"hint.changedsince": {
			"this is expected when e-Faktur was used after the snapshot: new invoices change the files; nothing to restore",
			"ini wajar jika e-Faktur dipakai setelah snapshot: faktur baru mengubah file; tidak ada yang perlu dipulihkan",
		},
		"verify.changed":  {"CHANGED %s: %d difference(s) since the snapshot", "BERUBAH %s: %d perbedaan sejak snapshot"},
		"problem.changed": {"changed since the snapshot", "berubah sejak snapshot"},
		// migrate: the target's engine is older than the database.
		"err.engineold": {"database %s is at Derby level %s, but the target install's Derby engine is %s (%s): it cannot open it (Derby error XSLAN)", "database %s berada pada level Derby %s, tetapi mesin Derby instalasi tujuan adalah %s (%s): mesin itu tidak dapat membukanya (kesalahan Derby XSLAN)"},
		"hint.engineold": {
			"use a target install of an e-Faktur release that ships Derby %s or newer; nothing was changed",
			"gunakan instalasi tujuan dari rilis e-Faktur yang membawa Derby %s atau lebih baru; tidak ada yang diubah",
		},
		// --db given a database folder itself.
		"err.dbisdatabase": {"%s is one database's folder, not e-Faktur's db/ folder", "%s adalah folder satu database, bukan folder db/ milik e-Faktur"},
		"hint.dbisdatabase": {
			"give the db/ folder that holds it: efbackup %s --db \"%s\"",
			"berikan folder db/ yang memuatnya: efbackup %s --db \"%s\"",
		},
		"err.restoredbfolder": {"%s holds one database's folder (made by an earlier release from --db pointing into db/), not a db/ folder: restored as db/, e-Faktur would find no data", "%s berisi folder satu database (dibuat rilis sebelumnya dengan --db yang menunjuk ke dalam db/), bukan folder db/: jika dipulihkan sebagai db/, e-Faktur tidak akan menemukan data"},
		"hint.restoredbfolder": {
			"restore it into db/ETaxInvoice with: efbackup restore \"%s\" --install DIR --as-database ETaxInvoice",
			"pulihkan ke db/ETaxInvoice dengan: efbackup restore \"%s\" --install DIR --as-database ETaxInvoice",
		},
		"err.asdatabaseunexpected":               {"%s holds a whole db/ folder; --as-database is only for a snapshot of one database's folder", "%s berisi seluruh folder db/; --as-database hanya untuk snapshot folder satu database"},
		"flag.asdatabase":                        {"restore a snapshot of one database's folder into db/NAME", "pulihkan snapshot folder satu database ke db/NAMA"},
		"doctor.snaps.verified.database-damaged": {"intact, but the database inside is DAMAGED", "utuh, tetapi database di dalamnya RUSAK"},
		"doctor.snaps.verified.not-checked":      {"intact, but its databases were not checked", "utuh, tetapi database-nya tidak diperiksa"},
		// doctor's findings about databases.
		"doctor.no-etaxinvoice":       {"%s holds no %s database: e-Faktur reports ETAX-10001", "%s tidak berisi database %s: e-Faktur akan menampilkan ETAX-10001"},
		"doctor.next.no-etaxinvoice":  {"restore the newest good snapshot (efbackup list, then efbackup restore SNAPSHOT --install \"%s\")", "pulihkan snapshot baik terbaru (efbackup list, lalu efbackup restore SNAPSHOT --install \"%s\")"},
		"doctor.not-a-database":       {"db/ holds something that is no database: %s (a known cause of ETAX-10001)", "db/ berisi sesuatu yang bukan database: %s (penyebab ETAX-10001 yang dikenal)"},
		"doctor.next.not-a-database":  {"move it out of %s (do not delete it), then start e-Faktur", "pindahkan keluar dari %s (jangan dihapus), lalu jalankan e-Faktur"},
		"doctor.needs-recovery":       {"e-Faktur was not shut down cleanly: %s will be recovered from its log at the next start", "e-Faktur tidak ditutup dengan benar: %s akan dipulihkan dari log-nya saat dijalankan berikutnya"},
		"doctor.next.needs-recovery":  {"before each backup, close e-Faktur from its own menu (not with the window's X or by switching the PC off)", "sebelum setiap backup, tutup e-Faktur dari menunya sendiri (bukan dengan tombol X jendela atau mematikan PC)"},
		"doctor.db-not-checked":       {"%s could not be checked (encrypted)", "%s tidak dapat diperiksa (terenkripsi)"},
		"doctor.next.db-not-checked":  {"nothing to do; its backups are still copied byte for byte", "tidak perlu tindakan; backup-nya tetap disalin byte demi byte"},
		"doctor.db-elsewhere":         {"%s", "%s"},
		"doctor.next.db-elsewhere":    {"back up on the PC that holds the data, with the database's folders on that PC", "lakukan backup di PC yang menyimpan datanya, dengan folder database di PC itu"},
		"doctor.engine-found":         {"the install's own Derby engine was found (%s, %s); verify --deep runs it with %s", "mesin Derby milik instalasi ditemukan (%s, %s); verify --deep menjalankannya dengan %s"},
		"doctor.next.engine-found":    {"nothing to do", "tidak perlu tindakan"},
		"doctor.engine-missing":       {"no Derby engine was found in the lib/ folder of %s", "mesin Derby tidak ditemukan di folder lib/ %s"},
		"doctor.next.engine-missing":  {"verify --deep then needs java on PATH and Derby (Debian: apt-get install libderby-java; Windows: --derby-classpath)", "verify --deep lalu memerlukan java di PATH dan Derby (Debian: apt-get install libderby-java; Windows: --derby-classpath)"},
		"doctor.future-snapshot":      {"%d snapshot(s) are dated in the future (a clock was wrong when they were made): %s", "%d snapshot bertanggal di masa depan (jam PC salah saat dibuat): %s"},
		"doctor.next.future-snapshot": {"check the date and time of the PC; these snapshots never count as the newest backup", "periksa tanggal dan jam PC; snapshot ini tidak pernah dihitung sebagai backup terbaru"},
	} {
		messages[k] = v
	}
}
