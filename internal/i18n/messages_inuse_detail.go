package i18n

// What the in-use probe saw, as its signals' details (package inuse): who
// holds a database's lock file or has its files open, a lock file left
// behind, a folder on a network file system. The English wording is what
// the signals' JSON carries.
func init() {
	for k, v := range map[string]msg{
		// Signals that make a database in use.
		"inuse.detail.locked": {
			"%s is locked (%s) by %s: Derby has the database open",
			"%s terkunci (%s) oleh %s: Derby sedang membuka database",
		},
		"inuse.detail.lockednoowner": {
			"%s is locked (%s) by another open file, process unknown",
			"%s terkunci (%s) oleh file lain yang terbuka, prosesnya tidak diketahui",
		},
		"inuse.detail.lock.write": {"%s write lock", "kunci tulis %s"},
		"inuse.detail.lock.read":  {"%s read lock", "kunci baca %s"},
		"inuse.detail.open":       {"%s is open in %s", "%s sedang dibuka oleh %s"},
		"inuse.detail.openmore.one": {
			"%s and %d more file are open in %s",
			"%s dan %d file lain sedang dibuka oleh %s",
		},
		"inuse.detail.openmore": {
			"%s and %d more files are open in %s",
			"%s dan %d file lain sedang dibuka oleh %s",
		},
		"inuse.detail.lckopen": {
			"%s/%s is open in %s: Derby has the database open",
			"%s/%s sedang dibuka oleh %s: Derby sedang membuka database",
		},
		"inuse.detail.filesopen": {"files of %s are open in %s", "file-file %s sedang dibuka oleh %s"},
		"inuse.detail.sharing": {
			"%s/%s is open in another process (an exclusive open failed with a sharing violation): Derby has the database open",
			"%s/%s sedang dibuka oleh proses lain (pembukaan eksklusif gagal karena pelanggaran berbagi/sharing violation): Derby sedang membuka database",
		},
		"inuse.detail.unprobed": {
			"%s/%s cannot be probed (%v), so whether Derby has the database open is unknown",
			"%s/%s tidak dapat diperiksa (%v), jadi tidak diketahui apakah Derby sedang membuka database",
		},
		"inuse.detail.noexclusive": {
			"%s/%s exists and cannot be probed without an exclusive open, which is turned off, so whether Derby has the database open is unknown",
			"%s/%s ada dan tidak dapat diperiksa tanpa pembukaan eksklusif, yang dimatikan, jadi tidak diketahui apakah Derby sedang membuka database",
		},
		"inuse.detail.noprobe": {
			"%s/%s exists and this system offers no way to tell whether Derby holds it",
			"%s/%s ada dan sistem ini tidak punya cara untuk mengetahui apakah Derby memegangnya",
		},
		// Who holds it.
		"inuse.detail.holder.full":      {"pid %d (%s: %s)", "pid %d (%s: %s)"},
		"inuse.detail.holder.named":     {"%s (%s)", "%s (%s)"},
		"inuse.detail.holder.pid":       {"pid %d", "pid %d"},
		"inuse.detail.holder.unknown":   {"another process", "proses lain"},
		"inuse.detail.program.java":     {"a Java program: e-Faktur or its database server", "program Java: e-Faktur atau server database-nya"},
		"inuse.detail.program.efbackup": {"another efbackup run", "efbackup lain yang sedang berjalan"},
		"inuse.detail.program.other":    {"another program", "program lain"},
		// Warnings.
		"inuse.detail.notshutdown": {
			"%s was not shut down cleanly: %s left behind and held by no process " +
				"(e-Faktur was closed without shutting its database down, killed, or the computer lost power); " +
				"its next start recovers it from its log",
			"%s tidak ditutup dengan benar: %s tertinggal dan tidak dipegang proses mana pun " +
				"(e-Faktur ditutup tanpa menutup database-nya, dihentikan paksa, atau listrik komputer padam); " +
				"saat dibuka berikutnya, database itu dipulihkan dari log-nya",
		},
		"inuse.detail.both": {"%s and %s", "%s dan %s"},
		"inuse.detail.netfs": {
			"%s is on a network file system (%s): if e-Faktur runs on another computer, its lock is not visible here; " +
				"back up on the computer that holds the data",
			"%s berada di sistem file jaringan (%s): bila e-Faktur berjalan di komputer lain, kuncinya tidak terlihat di sini; " +
				"lakukan backup di komputer yang menyimpan datanya",
		},
		"inuse.detail.fs.9p":       {"9p, a Windows drive under WSL or a virtual machine share", "9p, drive Windows di WSL atau folder berbagi mesin virtual"},
		"inuse.detail.fs.vboxsf":   {"vboxsf, a VirtualBox shared folder", "vboxsf, folder berbagi VirtualBox"},
		"inuse.detail.fs.unc":      {"a UNC path, %s", "path UNC, %s"},
		"inuse.detail.fs.drive":    {"the network drive %s", "drive jaringan %s"},
		"inuse.detail.fs.notlocal": {"not local", "bukan lokal"},
	} {
		messages[k] = v
	}
}
